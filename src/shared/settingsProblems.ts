/**
 * Why a setting's value is refused (DESIGN.md security rules), as plain
 * functions: main's settings update, the CLI's arguments and the window's
 * forms give the same reason. No schema library: the window loads it.
 */

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** A URL Intake connects to for its backend: its secure and plain scheme, and an example for the message. */
interface Endpoint {
  name: string;
  secure: 'https' | 'wss';
  plain: 'http' | 'ws';
  example: string;
  /** A WebSocket handshake cannot carry a fragment; ws refuses such a URL only when it connects. */
  refuseFragment: boolean;
}

const SERVER: Endpoint = { name: 'Server URL', secure: 'https', plain: 'http', example: 'https://ai.example.org/api', refuseFragment: false };
const WEB_SOCKET: Endpoint = { name: 'WebSocket URL', secure: 'wss', plain: 'ws', example: 'wss://ai.example.org/api/ws', refuseFragment: true };

/**
 * The rules for any backend URL: its own schemes, no credentials (the token field carries them), and the
 * plain scheme only for this computer unless the user explicitly allows it.
 */
function endpointProblem(value: string, endpoint: Endpoint, allowInsecureHttp: boolean): string | null {
  const { name, secure, plain } = endpoint;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} is not a valid URL (example: ${endpoint.example}).`;
  }
  if (url.protocol !== `${secure}:` && url.protocol !== `${plain}:`) return `${name} must start with ${secure}:// (got ${url.protocol}).`;
  if (url.username || url.password) return `${name} must not contain a user name or password; use the token field.`;
  if (endpoint.refuseFragment && url.hash) return `${name} must not contain a # fragment.`;
  if (url.protocol === `${plain}:` && !LOOPBACK.has(url.hostname) && !allowInsecureHttp) {
    return `Plain ${plain}:// is allowed only for this computer (localhost). Use ${secure}://, or explicitly allow insecure HTTP.`;
  }
  return null;
}

/** Why a server URL is refused, or null when it may be used (DESIGN.md security rules). */
export function serverUrlProblem(value: string, allowInsecureHttp: boolean): string | null {
  return endpointProblem(value, SERVER, allowInsecureHttp);
}

/** Why a WebSocket URL override is refused, or null when it may be used: the server URL's rules, for ws/wss. */
export function webSocketUrlProblem(value: string, allowInsecureHttp: boolean): string | null {
  return endpointProblem(value, WEB_SOCKET, allowInsecureHttp);
}

/** Why a proxy URL is refused, or null: http(s)://[user:password@]host:port, nothing after the port. */
export function proxyUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Proxy is not a valid URL (example: http://proxy.example.org:3128).';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `Proxy URL must start with http:// or https:// (got ${url.protocol}).`;
  if (url.port === '' && !namesDefaultPort(value)) return 'Proxy URL must name its port (example: http://proxy.example.org:3128).';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return 'Proxy URL must end after the port.';
  return null;
}

/** URL drops a scheme's own port (http://proxy:80 has port ''): whether the text wrote one after the host anyway. */
function namesDefaultPort(value: string): boolean {
  const afterCredentials = value.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?/i, '');
  return /^(?:\[[^\]]*\]|[^:/?#]*):\d+(?:[/?#]|$)/.test(afterCredentials);
}

/** Why a chart-number pattern is refused, or null when it compiles. */
export function chartPatternProblem(pattern: string): string | null {
  try {
    new RegExp(pattern);
    return null;
  } catch (error) {
    return `Chart-number pattern is not a valid regular expression: ${(error as Error).message}`;
  }
}
