/** User settings: one schema for main (validation, storage) and the renderer (forms). */
import { z } from 'zod';
import type { BuiltInDialect } from './dialect';

export const settingsSchema = z.object({
  /** REST base of the backend; null = the bundled demo server. */
  serverUrl: z.string().max(2048).nullable(),
  /** WebSocket URL when it is not the one derived from serverUrl; null = derived. Ignored with the demo server. */
  webSocketUrl: z.string().max(2048).nullable(),
  /** Plain http/ws to a non-loopback host, only when the user explicitly says so. */
  allowInsecureHttp: z.boolean(),
  uploadConcurrency: z.number().int().min(1).max(8),
  notifications: z.boolean(),
  chartNumbersInNotifications: z.boolean(),
  startAtLogin: z.boolean(),
  /** Regex over file names whose first capture group (or whole match) pre-fills the chart number. */
  chartNumberPattern: z.string().max(500).nullable(),
  hotFolder: z.object({ path: z.string().max(4096).nullable(), enabled: z.boolean() }),
  historySize: z.number().int().min(10).max(100_000),
  /** Store the token unencrypted where the OS offers no encryption (explicit opt-in). */
  allowPlaintextToken: z.boolean(),
  /** Settings → Network: the OS/PAC decision per URL (Electron's resolveProxy), direct, or one proxy. */
  proxyMode: z.enum(['system', 'none', 'manual']),
  /** Manual: http://host:port (no credentials here: those go to the main-owned dialog and safeStorage). */
  proxyUrl: z.string().max(2048).nullable(),
  /** Manual: hosts that go direct, comma-separated (host, .domain, host:port, *). */
  proxyBypass: z.string().max(4096),
  /** A certificate authority (PEM file) trusted besides the OS store and Node's roots; null = none. */
  caFile: z.string().max(4096).nullable(),
  /**
   * Settings → Server → Backend type: a built-in dialect's name, or the path of a custom dialect file
   * (chosen in main's file dialog only). The demo server always speaks `intake`.
   */
  backend: z.string().min(1).max(4096),
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = {
  serverUrl: null,
  webSocketUrl: null,
  allowInsecureHttp: false,
  uploadConcurrency: 2,
  notifications: true,
  chartNumbersInNotifications: false,
  startAtLogin: false,
  chartNumberPattern: null,
  hotFolder: { path: null, enabled: false },
  historySize: 1000,
  allowPlaintextToken: false,
  proxyMode: 'system',
  proxyUrl: null,
  proxyBypass: '',
  caFile: null,
  backend: 'intake' satisfies BuiltInDialect,
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Why a server URL is refused, or null when it may be used (DESIGN.md security rules). */
export function serverUrlProblem(value: string, allowInsecureHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Server URL is not a valid URL (example: https://ai.example.org/api).';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `Server URL must start with https:// (got ${url.protocol}).`;
  if (url.username || url.password) return 'Server URL must not contain a user name or password; use the token field.';
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname) && !allowInsecureHttp) {
    return 'Plain http:// is allowed only for this computer (localhost). Use https://, or explicitly allow insecure HTTP.';
  }
  return null;
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

/** Why a WebSocket URL override is refused, or null when it may be used: the server URL's rules, for ws/wss. */
export function webSocketUrlProblem(value: string, allowInsecureHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'WebSocket URL is not a valid URL (example: wss://ai.example.org/api/ws).';
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') return `WebSocket URL must start with wss:// (got ${url.protocol}).`;
  if (url.username || url.password) return 'WebSocket URL must not contain a user name or password; use the token field.';
  // A WebSocket handshake cannot carry a fragment; ws refuses such a URL only when it connects.
  if (url.hash) return 'WebSocket URL must not contain a # fragment.';
  if (url.protocol === 'ws:' && !LOOPBACK.has(url.hostname) && !allowInsecureHttp) {
    return 'Plain ws:// is allowed only for this computer (localhost). Use wss://, or explicitly allow insecure HTTP.';
  }
  return null;
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
