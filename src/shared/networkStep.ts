/**
 * The steps on the way to a server, one home for their names and the few words
 * that say which one failed: the connection indicator in the header, the tray,
 * *Test connection* in Settings and `intake doctor` all use these. The full
 * sentence (server, proxy, what to do) comes from core's networkProblem.ts.
 */
export type NetworkStep = 'dns' | 'connect' | 'proxy' | 'proxy_auth' | 'tls' | 'http' | 'upgrade';

/** One failed step with the sentence for it. */
export interface NetworkProblem {
  step: NetworkStep;
  message: string;
}

/** The doctor's and *Test connection*'s checks, in order. */
export type CheckName = 'DNS' | 'TCP' | 'Proxy' | 'TLS' | 'HTTP' | 'WebSocket';

/** Which check a failed step belongs to. */
export const STEP_CHECK: Record<NetworkStep, CheckName> = { dns: 'DNS', connect: 'TCP', proxy: 'Proxy', proxy_auth: 'Proxy', tls: 'TLS', http: 'HTTP', upgrade: 'WebSocket' };

/** What failed, in a few words (the indicator's label; the full sentence is its tooltip). */
export const STEP_WORDS: Record<NetworkStep, string> = {
  dns: 'DNS: server name not found',
  connect: 'server not reachable',
  proxy: 'proxy refused or not reachable',
  proxy_auth: 'proxy wants credentials',
  tls: 'TLS: certificate problem',
  http: 'HTTP error from the server',
  upgrade: 'WebSocket refused',
};
