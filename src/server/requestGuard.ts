/**
 * Who may talk to the reference server. It listens on loopback without a
 * token by default, so two things must be refused before any route runs:
 * - a web page the user has open: browsers send `Origin` with every
 *   cross-origin request and WebSocket upgrade, curl, the CLI and the app's
 *   core (Node) do not. Any Origin is refused unless --allow-origin names it.
 * - DNS rebinding: a page whose own host name now resolves to 127.0.0.1 sends
 *   `Host: evil.example:PORT`. Only this server's own names are answered.
 */
import { type IncomingHttpHeaders } from 'node:http';

export interface GuardRefusal {
  status: 403 | 421;
  error: string;
  message: string;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** `http://a.example:8080` as a browser sends it, or a reason why the text is not an origin. */
export function originProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not an origin (scheme://host[:port], e.g. http://localhost:5173).`;
  }
  if (url.origin === 'null' || url.origin !== text.replace(/\/$/, '').toLowerCase()) {
    return `"${text}" is not an origin (scheme://host[:port], no path, e.g. http://localhost:5173).`;
  }
  return null;
}

export class RequestGuard {
  private readonly origins: Set<string>;
  private hosts = new Set<string>();
  private hostList = '';

  /** `extraHosts`: more `host:port` names this server is reached by (a relay, an SSH tunnel). */
  constructor(
    allowedOrigins: readonly string[],
    private readonly extraHosts: readonly string[] = [],
  ) {
    this.origins = new Set(allowedOrigins.map((origin) => origin.replace(/\/$/, '').toLowerCase()));
  }

  /** Once the port is known: the Host values that name this server. */
  listeningOn(host: string, port: number): void {
    const bound = host.includes(':') ? `[${host.toLowerCase()}]` : host.toLowerCase();
    const names = new Set([...LOOPBACK_NAMES, bound]);
    // A wildcard address is no name a client can use for this server.
    names.delete('0.0.0.0');
    names.delete('[::]');
    const withPort = [...[...names].map((name) => `${name}:${port}`), ...this.extraHosts.map((extra) => extra.toLowerCase())];
    // Port 80 is left out of Host by clients.
    this.hosts = new Set(port === 80 ? [...withPort, ...names] : withPort);
    this.hostList = withPort.join(', ');
  }

  problem(headers: IncomingHttpHeaders): GuardRefusal | null {
    const host = headers.host?.trim().toLowerCase();
    if (host === undefined || !this.hosts.has(host)) {
      return {
        status: 421,
        error: 'misdirected_request',
        message: `This server answers only requests addressed to it (Host: ${this.hostList}).`,
      };
    }
    const origin = headers.origin;
    if (origin !== undefined && !this.origins.has(origin.trim().replace(/\/$/, '').toLowerCase())) {
      return {
        status: 403,
        error: 'origin_not_allowed',
        message: 'Requests from web pages are refused: this Origin is not allowed. Start the server with --allow-origin ORIGIN to allow one.',
      };
    }
    return null;
  }
}
