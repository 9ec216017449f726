/**
 * The desktop's network, from Settings → Network: System (default: the proxy per
 * URL from Electron's session.resolveProxy, so PAC files and OS settings apply),
 * None, or Manual with a bypass list; trust = Node's roots + the OS certificate
 * store + an optional custom CA file. Built wherever the engine runs (main, or the
 * core's own process, which asks main for session.resolveProxy), used through the core's one port.
 */
import { createNetwork, type Network, type ProxyCredentials, type ProxyResolver } from './network';
import { pacResolver } from './pacAnswer';
import { bypassList, fixedProxy } from './proxyRules';
import { readCaFile, systemCertificates } from './trust';
import type { Settings } from '../../shared/settings';
import type { Logger } from '../base/logger';

export type NetworkSettings = Pick<Settings, 'proxyMode' | 'proxyUrl' | 'proxyBypass' | 'caFile'>;

export const NETWORK_SETTING_KEYS = ['proxyMode', 'proxyUrl', 'proxyBypass', 'caFile'] as const satisfies ReadonlyArray<keyof Settings>;

/** Only the network's settings (to send them to the core's own process). */
export function networkSettings(settings: NetworkSettings): NetworkSettings {
  return { proxyMode: settings.proxyMode, proxyUrl: settings.proxyUrl, proxyBypass: settings.proxyBypass, caFile: settings.caFile };
}

export interface AppNetworkDeps {
  /** Electron's session.defaultSession (resolveProxy answers like a PAC file: "PROXY h:p; DIRECT"). */
  session: { resolveProxy(url: string): Promise<string> };
  /** The credentials the user gave main's dialog (safeStorage), for a proxy that asks. */
  proxyCredentials?: (proxy: string) => ProxyCredentials | null;
  /** Hears that the OS certificate store could not be read. */
  logger?: Pick<Logger, 'warn'>;
  /** A proxy answered 407 (core's ProxyLogin decides whether to ask). */
  onProxyAuthRequired?: (proxy: string, sent: ProxyCredentials | null) => void;
}

export function proxyResolverFor(settings: NetworkSettings, deps: AppNetworkDeps): ProxyResolver | undefined {
  if (settings.proxyMode === 'none') return undefined;
  if (settings.proxyMode === 'manual' && settings.proxyUrl !== null) return fixedProxy(settings.proxyUrl, bypassList(settings.proxyBypass));
  return pacResolver((url) => deps.session.resolveProxy(url));
}

/** Throws TrustFileError when the custom CA file cannot be used (the caller says so and keeps the previous network). */
export async function appNetwork(settings: NetworkSettings, deps: AppNetworkDeps): Promise<Network> {
  const custom = settings.caFile === null ? [] : await readCaFile(settings.caFile);
  const proxy = proxyResolverFor(settings, deps);
  const system = await systemCertificates();
  if (system.note !== null) deps.logger?.warn(system.note);
  return createNetwork({
    ...(proxy && { proxy }),
    extraCa: [...system.certificates, ...custom],
    ...(deps.proxyCredentials && { proxyCredentials: deps.proxyCredentials }),
    ...(deps.onProxyAuthRequired && { onProxyAuthRequired: deps.onProxyAuthRequired }),
  });
}
