/**
 * The CLI's network: --proxy (every URL, loopback too), --no-proxy, else the
 * environment as curl reads it; credentials from the proxy URL or
 * INTAKE_PROXY_CREDENTIALS; --ca-file trusted besides Node's bundled roots.
 */
import { createNetwork, type Network, type ProxyCredentials } from '../core/network/network';
import { environmentProxy, fixedProxy } from '../core/network/proxyRules';
import { readCaFile } from '../core/network/trust';
import type { NetworkArgs } from './args';

export async function cliNetwork(args: NetworkArgs, env: Readonly<Record<string, string | undefined>>): Promise<Network> {
  const extraCa = args.caFile === null ? [] : await readCaFile(args.caFile);
  const proxy = args.noProxy ? undefined : args.proxy !== null ? fixedProxy(args.proxy) : hasProxyVariable(env) ? environmentProxy(env) : undefined;
  const credentials = parseCredentials(env.INTAKE_PROXY_CREDENTIALS);
  return createNetwork({ ...(proxy && { proxy }), extraCa, proxyCredentials: () => credentials });
}

/** `user:password` (the first colon splits; the password may hold more). */
function parseCredentials(text: string | undefined): ProxyCredentials | null {
  if (text === undefined || text === '') return null;
  const colon = text.indexOf(':');
  return colon < 0 ? { username: text, password: '' } : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** No proxy variable at all: a plain network (Node's own agents), as before proxies existed. */
function hasProxyVariable(env: Readonly<Record<string, string | undefined>>): boolean {
  return ['https_proxy', 'http_proxy', 'all_proxy'].some((name) => (env[name] ?? '').trim() !== '' || (env[name.toUpperCase()] ?? '').trim() !== '');
}
