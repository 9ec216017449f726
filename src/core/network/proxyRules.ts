/**
 * Proxy decisions that need no Electron: a fixed proxy (CLI --proxy, the app's
 * Manual setting with its bypass list) and the environment as curl reads it
 * (https_proxy / HTTPS_PROXY for https and wss, http_proxy / HTTP_PROXY for
 * http and ws, ALL_PROXY for both, NO_PROXY for the exceptions).
 */
import type { ProxyResolver } from './network';

const SECURE = new Set(['https:', 'wss:']);

/** One proxy for every URL but the bypassed ones (an explicit --proxy bypasses nothing, loopback included). */
export function fixedProxy(proxy: string, bypass: readonly string[] = []): ProxyResolver {
  const rules = bypass.map(parseBypass).filter((rule) => rule !== null);
  return (url) => Promise.resolve(rules.some((rule) => rule(url)) ? null : proxy);
}

/** curl's reading of the environment; the lower-case name wins where both are set. */
export function environmentProxy(env: Readonly<Record<string, string | undefined>>): ProxyResolver {
  const read = (name: string): string | null => {
    // An empty variable counts as unset, as in curl.
    const value = [env[name.toLowerCase()], env[name.toUpperCase()]].map((v) => v?.trim() ?? '').find((v) => v !== '');
    return value === undefined ? null : withScheme(value);
  };
  const secure = read('https_proxy') ?? read('all_proxy');
  const plain = read('http_proxy') ?? read('all_proxy');
  const rules = bypassList(env.no_proxy || env.NO_PROXY || '').map(parseBypass).filter((rule) => rule !== null);
  return (url) => {
    const proxy = SECURE.has(url.protocol) ? secure : plain;
    if (proxy === null || rules.some((rule) => rule(url))) return Promise.resolve(null);
    return Promise.resolve(proxy);
  };
}

/** Entries separated by commas (or spaces, as some systems write them). */
export function bypassList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** curl accepts `host:port` without a scheme and takes it as http://. */
function withScheme(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
}

/**
 * `*` (everything), `host`, `.domain` / `domain` (the domain and every name under it),
 * an IP address, each optionally with `:port`.
 */
function parseBypass(entry: string): ((url: URL) => boolean) | null {
  if (entry === '*') return () => true;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
  if (!match) return null;
  const host = match[1]!.toLowerCase().replace(/^\*?\./, '');
  const port = match[2];
  return (url) => {
    const name = url.hostname.toLowerCase();
    if (port !== undefined && (url.port || defaultPort(url.protocol)) !== port) return false;
    return name === host || name.endsWith(`.${host}`);
  };
}

function defaultPort(protocol: string): string {
  return SECURE.has(protocol) ? '443' : '80';
}
