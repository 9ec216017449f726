/**
 * The one home for saying what went wrong on the way to a server, by step, in words
 * a user (or their IT desk) can act on: DNS, connect, proxy, proxy credentials, TLS.
 * Uploads, status reads, the WebSocket and `intake doctor` all speak through it.
 */

import type { NetworkProblem } from '../../shared/networkStep';

export type { NetworkProblem, NetworkStep } from '../../shared/networkStep';

export interface ProblemContext {
  /** The server asked for (named in every message). */
  server: URL;
  /** The proxy in use (no credentials), or null. */
  proxy: string | null;
}

const UNKNOWN_AUTHORITY = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** The chain of causes (fetch wraps undici's error, which may wrap the socket's). */
function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error && chain.length < 6; current = current.cause) chain.push(current);
  return chain;
}

/** The innermost error with a string code (DOMException's numeric codes say nothing here). */
function rootError(chain: readonly Error[]): (Error & { code?: string }) | null {
  const coded = chain.filter((error) => typeof (error as { code?: unknown }).code === 'string' && (error as unknown as { code: string }).code !== 'UND_ERR_ABORTED');
  return (coded.at(-1) as (Error & { code?: string }) | undefined) ?? chain.at(-1) ?? null;
}

/** A proxy answered an HTTP status (407, 403…) instead of opening the way. */
export function proxyStatusProblem(status: number, context: ProblemContext): NetworkProblem {
  // Without a known proxy address the sentence names none ("The proxy wants…", not "The proxy the proxy wants…").
  const proxy = context.proxy === null ? 'The proxy' : `The proxy ${context.proxy}`;
  if (status === 401) {
    // Not RFC 7235, but what some proxies (tinyproxy) answer to wrong credentials on a tunnel.
    return {
      step: 'proxy_auth',
      message: `${proxy} did not accept the credentials (HTTP 401) for the way to ${context.server.host}. Check the user name and password for the proxy.`,
    };
  }
  if (status === 407) {
    return {
      step: 'proxy_auth',
      message: `${proxy} wants credentials (HTTP 407) before it lets Intake reach ${context.server.host}. Give them in the proxy URL (http://user:password@host:port), in INTAKE_PROXY_CREDENTIALS, or in the app's proxy dialog.`,
    };
  }
  return { step: 'proxy', message: `${proxy} refused the way to ${context.server.host} (HTTP ${status}). Ask your IT desk to allow it.` };
}

export function describeNetworkProblem(error: unknown, context: ProblemContext): NetworkProblem {
  const host = context.server.host;
  const chain = causes(error);
  const root = rootError(chain);
  const code = typeof root?.code === 'string' ? root.code : '';
  const text = chain.map((e) => e.message).join(' ') || String(error);
  const proxyStatus = /Proxy response \((\d{3})\)|Proxy Authentication Required \((\d{3})\)/.exec(text);
  if (proxyStatus) return proxyStatusProblem(Number(proxyStatus[1] ?? proxyStatus[2]), context);
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    const when = code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet';
    return { step: 'tls', message: `The certificate of ${host} ${when}. The server's administrator must renew it (or check this computer's clock).` };
  }
  if (UNKNOWN_AUTHORITY.has(code)) {
    return {
      step: 'tls',
      message: `The certificate of ${host} is signed by an unknown authority (${code}). If your organisation uses its own certificate authority, add its certificate (PEM) as the custom CA (app: Settings → Network; CLI: --ca-file).`,
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return { step: 'tls', message: `The certificate of ${host} is for another host name. Use the server's name as its certificate gives it, or ask its administrator for a certificate that names ${context.server.hostname}.` };
  }
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /certificate|ssl|tls/i.test(code)) {
    return { step: 'tls', message: `The secure connection to ${host} failed (${code}).` };
  }
  const viaProxy = context.proxy !== null;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return viaProxy
      ? { step: 'proxy', message: `The proxy ${context.proxy} could not be found (DNS). Check the proxy setting.` }
      : { step: 'dns', message: `The name ${context.server.hostname} could not be resolved (DNS). Check the server URL and the network.` };
  }
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    const what = code === 'ECONNREFUSED' ? 'refused the connection' : code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' ? 'did not answer in time' : 'cut the connection';
    if (viaProxy && isProxyAddress(root, context.proxy!)) return { step: 'proxy', message: `The proxy ${context.proxy} ${what} (is it running, is the proxy setting right?).` };
    return { step: 'connect', message: `The server ${host} ${what}${viaProxy ? ` (through the proxy ${context.proxy})` : ''} (is it running?).` };
  }
  return { step: 'connect', message: `Could not reach ${host}: ${code || root?.message || String(error)}.` };
}

/** Whether a socket error names the proxy's own address (so the proxy, not the server, is at fault). */
function isProxyAddress(error: object | null, proxy: string): boolean {
  const url = new URL(proxy);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const errorPort = (error as { port?: unknown } | null)?.port;
  return errorPort === undefined || Number(errorPort) === port;
}
