/**
 * The connection check behind `intake doctor` (and a Settings "Test connection"):
 * each step on the way to the server in order — DNS, TCP (to the server or the
 * proxy), proxy, TLS, HTTP status, WebSocket upgrade — each passed, failed with
 * words the user can act on, or skipped because an earlier one failed.
 */
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { deriveWebSocketUrl } from '../../shared/serverUrl';
import { statusUrl } from '../statusClient';
import { answeredByProxy, type Network } from './network';
import { STEP_CHECK, type CheckName, type NetworkStep } from '../../shared/networkStep';
import { describeNetworkProblem, proxyStatusProblem } from './networkProblem';

export type { CheckName } from '../../shared/networkStep';

export interface CheckResult {
  name: CheckName;
  outcome: 'ok' | 'failed' | 'skipped';
  detail: string;
}

export interface DoctorInput {
  baseUrl: string;
  wsUrl?: string | null;
  token?: string | null;
  network: Network;
  /** Per step. Default 10 s. */
  timeoutMs?: number;
}

export async function runDoctor(input: DoctorInput): Promise<CheckResult[]> {
  const server = new URL(input.baseUrl);
  const wsUrl = new URL(input.wsUrl ?? deriveWebSocketUrl(input.baseUrl));
  const timeoutMs = input.timeoutMs ?? 10_000;
  const proxy = await input.network.proxyFor(server);
  const names: CheckName[] = ['DNS', 'TCP', ...(proxy ? (['Proxy'] as const) : []), ...(server.protocol === 'https:' ? (['TLS'] as const) : []), 'HTTP', 'WebSocket'];
  const results: CheckResult[] = [];
  const pass = (name: CheckName, detail: string): void => void results.push({ name, outcome: 'ok', detail });
  const failAt = (at: CheckName, detail: string): CheckResult[] => {
    // A step that already passed cannot fail afterwards (TCP connected, then the server spoke no HTTP):
    // the failure belongs to the first step not passed yet, so the run always shows it.
    const name = results.some((r) => r.name === at) ? names.find((n) => !results.some((r) => r.name === n))! : at;
    for (const step of names) {
      if (results.some((r) => r.name === step)) continue;
      if (step === name) results.push({ name, outcome: 'failed', detail });
      else if (names.indexOf(step) < names.indexOf(name)) results.push({ name: step, outcome: 'ok', detail: 'passed' });
      else results.push({ name: step, outcome: 'skipped', detail: `not tried: ${name} failed` });
    }
    return results;
  };

  // DNS and TCP go to the proxy when there is one: the proxy resolves and reaches the server.
  // A proxy that cannot be found or reached fails that row, in words that name the proxy; the Proxy row is then not tried.
  const first = proxy ? new URL(proxy) : server;
  const port = Number(first.port || (first.protocol === 'https:' ? 443 : 80));
  const hostname = first.hostname.replace(/^\[|\]$/g, '');
  let address: string;
  try {
    address = (await lookup(hostname)).address;
    pass('DNS', `${hostname} is ${address}${proxy ? ' (the proxy)' : ''}`);
  } catch {
    return failAt('DNS', proxy ? `The proxy ${proxy} could not be found (DNS).` : `The name ${hostname} could not be resolved (DNS). Check the server URL and the network.`);
  }
  const tcp = await tcpConnect(address, port, timeoutMs);
  if (tcp !== null) return failAt('TCP', `${proxy ? `The proxy ${proxy}` : `The server ${server.host}`} ${tcp}.`);
  pass('TCP', `connected to ${proxy ? `the proxy ${first.host}` : server.host}`);

  // One real status request through the network port tells proxy, TLS and HTTP apart.
  const status = await httpCheck(input, statusUrl(input.baseUrl, 'intake-doctor'), timeoutMs);
  if (status.kind === 'problem') return failAt(STEP_CHECK[status.step], status.message);
  if (proxy) pass('Proxy', `the proxy ${proxy} let the request through`);
  if (server.protocol === 'https:') pass('TLS', `the certificate of ${server.host} is trusted`);
  if (status.status === 401 || status.status === 403) return failAt('HTTP', `The server ${server.host} refused the token (HTTP ${status.status}).`);
  if (status.status >= 400 && status.status !== 404) return failAt('HTTP', `The server ${server.host} answered HTTP ${status.status}.`);
  pass('HTTP', `HTTP ${status.status} from ${server.host}`);

  const ws = await webSocketCheck(input, wsUrl, timeoutMs);
  if (ws !== null) return failAt('WebSocket', `${ws} Jobs will be followed by polling.`);
  pass('WebSocket', `upgrade accepted at ${wsUrl.host}${wsUrl.pathname}`);
  return results;
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => (socket.destroy(), resolve(null)));
    socket.once('timeout', () => (socket.destroy(), resolve(`did not answer within ${timeoutMs} ms`)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused the connection (is it running?)' : `could not be reached (${error.code ?? error.message})`));
  });
}

type HttpCheck = { kind: 'status'; status: number } | { kind: 'problem'; step: NetworkStep; message: string };

async function httpCheck(input: DoctorInput, url: string, timeoutMs: number): Promise<HttpCheck> {
  const context = { server: new URL(input.baseUrl), proxy: await input.network.proxyFor(new URL(url)) };
  try {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (input.token) headers.Authorization = `Bearer ${input.token}`;
    const response = await input.network.fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 407) return { kind: 'problem', ...proxyStatusProblem(407, context) };
    return { kind: 'status', status: response.status };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return { kind: 'problem', step: 'http', message: `No answer from ${context.server.host} within ${timeoutMs} ms.` };
    return { kind: 'problem', ...describeNetworkProblem(error, context) };
  }
}

/** null when the upgrade was accepted; else why not. */
function webSocketCheck(input: DoctorInput, url: URL, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (input.token) headers.Authorization = `Bearer ${input.token}`;
    const socket = new WebSocket(url, { headers, handshakeTimeout: timeoutMs, ...input.network.nodeOptions(url) });
    const done = (why: string | null): void => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      resolve(why);
    };
    socket.once('open', () => done(null));
    socket.once('unexpected-response', (request, response) => {
      const status = response.statusCode ?? 0;
      const context = { server: url, proxy: input.network.proxyInUse(url) };
      done(answeredByProxy(request) || status === 407 ? proxyStatusProblem(status, context).message : `The server refused the WebSocket upgrade (HTTP ${status}).`);
    });
    socket.once('error', (error) => done(describeNetworkProblem(error, { server: url, proxy: input.network.proxyInUse(url) }).message));
  });
}
