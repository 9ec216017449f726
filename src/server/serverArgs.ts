/**
 * Command-line options of `npm run server` / out/server/index.js.
 * Returns a usage error instead of throwing, so main.ts decides how to exit.
 */
import { readFileSync } from 'node:fs';
import { BUILT_IN_DIALECTS, type BuiltInDialect } from '../shared/dialect';
import { parseFailPlan } from './failPlanSpec';
import { originProblem } from './requestGuard';
import { type ReferenceServerOptions } from './types';

export const USAGE = `Usage: intake-server [options]
  --port N           port to listen on (default 0: a free port)
  --host H           address to bind (default 127.0.0.1)
  --phase-ms MS      time each job spends in each phase (default 1000)
  --ping-ms MS       WebSocket ping interval (default 30000)
  --fail-rate R      probability 0..1 that a processing attempt fails (default 0)
  --max-attempts N   processing attempts per job (default 3)
  --fail-plan SPEC   deterministic failures, overrides --fail-rate:
                       chart            chart numbers containing "fail<N>" fail N attempts
                       every:K=N[,...]  every K-th job (by upload order) fails N attempts
  --token T          require "Authorization: Bearer T"
  --allow-origin O   answer requests and WebSocket upgrades from this web origin
                     (scheme://host[:port]; repeatable). Without it any request
                     with an Origin header (a web page) is refused with 403
  --allow-host H:P   also answer requests addressed to H:P (a relay or tunnel in front;
                     repeatable). Otherwise only 127.0.0.1, localhost, [::1] and --host,
                     each with the server's port; any other Host gets 421
  --tls-cert FILE    serve HTTPS/WSS with this certificate (PEM; with --tls-key)
  --tls-key FILE     the certificate's private key (PEM)
  --data-dir DIR     keep jobs and uploads here (default: a temp dir, removed on exit)
  --retention-days N delete finished jobs and their uploads N days after upload (default 7)
  --headers-timeout-ms MS  close a connection whose request headers take longer (default 20000)
  --request-timeout-ms MS  close a connection whose whole request takes longer (default 1800000)
  --max-connections N      most open connections, WebSockets included (default 1024)
  --no-snapshot      no snapshot in "subscribed" acks
  --no-ws            refuse WebSocket connections (clients must poll)
  --dialect D        the contract spoken: intake (default; plain WebSocket at /api/ws),
                     socketio-rooms (seeds 002/003) or socketio-events (seed 004),
                     both Socket.IO at /socket.io (PROTOCOL.md "Backend dialects")
  --blocked-rate R   socketio-events: probability 0..1 that a job ends BLOCKED (default 0)
  --auth-refusal S   Socket.IO dialects: refuse a bad token with connect-error or
                     disconnect (right after connect, seed 003); default disconnect
                     for socketio-rooms, connect-error for socketio-events
  --help             show this text`;

export type ParsedArgs = { kind: 'run'; options: ReferenceServerOptions } | { kind: 'help' } | { kind: 'error'; message: string };

type NumberFlag = 'blockedRate' | 'port' | 'phaseMs' | 'pingMs' | 'failRate' | 'maxAttempts' | 'retentionDays' | 'headersTimeoutMs' | 'requestTimeoutMs' | 'maxConnections';
const NUMBER_FLAGS: Record<string, { key: NumberFlag; valid: (n: number) => boolean; rule: string }> = {
  '--port': { key: 'port', valid: (n) => Number.isInteger(n) && n >= 0 && n <= 65535, rule: 'a whole number 0–65535' },
  '--phase-ms': { key: 'phaseMs', valid: (n) => Number.isInteger(n) && n >= 0, rule: 'a whole number of milliseconds, 0 or more' },
  '--ping-ms': { key: 'pingMs', valid: (n) => Number.isInteger(n) && n > 0, rule: 'a whole number of milliseconds, more than 0' },
  '--blocked-rate': { key: 'blockedRate', valid: (n) => n >= 0 && n <= 1, rule: 'a number from 0 to 1' },
  '--fail-rate': { key: 'failRate', valid: (n) => n >= 0 && n <= 1, rule: 'a number from 0 to 1' },
  '--max-attempts': { key: 'maxAttempts', valid: (n) => Number.isInteger(n) && n >= 1, rule: 'a whole number, 1 or more' },
  '--retention-days': { key: 'retentionDays', valid: (n) => n > 0, rule: 'a number of days, more than 0' },
  '--headers-timeout-ms': { key: 'headersTimeoutMs', valid: (n) => Number.isInteger(n) && n > 0, rule: 'a whole number of milliseconds, more than 0' },
  '--request-timeout-ms': { key: 'requestTimeoutMs', valid: (n) => Number.isInteger(n) && n > 0, rule: 'a whole number of milliseconds, more than 0' },
  '--max-connections': { key: 'maxConnections', valid: (n) => Number.isInteger(n) && n >= 1, rule: 'a whole number, 1 or more' },
};

export function parseServerArgs(argv: readonly string[]): ParsedArgs {
  const options: ReferenceServerOptions = {};
  const tlsFiles: { cert?: string; key?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];

    if (flag === '--help' || flag === '-h') return { kind: 'help' };
    if (flag === '--no-snapshot') options.snapshot = false;
    else if (flag === '--no-ws') options.webSocket = false;
    else if (flag === '--dialect') {
      const dialect = value() ?? '';
      if (!(BUILT_IN_DIALECTS as readonly string[]).includes(dialect)) return { kind: 'error', message: `--dialect must be one of ${BUILT_IN_DIALECTS.join(', ')} (got "${dialect}").` };
      options.dialect = dialect as BuiltInDialect;
    } else if (flag === '--auth-refusal') {
      const style = value() ?? '';
      if (style !== 'connect-error' && style !== 'disconnect') return { kind: 'error', message: `--auth-refusal must be connect-error or disconnect (got "${style}").` };
      options.authRefusal = style === 'connect-error' ? 'connect_error' : 'disconnect';
    } else if (flag === '--fail-plan') {
      const plan = parseFailPlan(value() ?? '');
      if (typeof plan === 'string') return { kind: 'error', message: plan };
      options.failPlan = plan;
    } else if (flag === '--allow-origin') {
      const origin = value() ?? '';
      if (origin === '') return { kind: 'error', message: '--allow-origin needs a value.' };
      const problem = originProblem(origin);
      if (problem !== null) return { kind: 'error', message: `--allow-origin: ${problem}` };
      options.allowedOrigins = [...(options.allowedOrigins ?? []), origin];
    } else if (flag === '--allow-host') {
      const host = value() ?? '';
      if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(host)) return { kind: 'error', message: `--allow-host must be host:port (got "${host}").` };
      options.allowedHosts = [...(options.allowedHosts ?? []), host];
    } else if (flag === '--tls-cert' || flag === '--tls-key') {
      const file = value();
      if (file === undefined || file === '') return { kind: 'error', message: `${flag} needs a file.` };
      tlsFiles[flag === '--tls-cert' ? 'cert' : 'key'] = file;
    } else if (flag === '--host' || flag === '--token' || flag === '--data-dir') {
      const text = value();
      if (text === undefined || text === '') return { kind: 'error', message: `${flag} needs a value.` };
      if (flag === '--host') options.host = text;
      else if (flag === '--token') options.token = text;
      else options.dataDir = text;
    } else if (NUMBER_FLAGS[flag] !== undefined) {
      const { key, valid, rule } = NUMBER_FLAGS[flag];
      const text = value();
      const number = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
      if (!valid(number)) return { kind: 'error', message: `${flag} must be ${rule}${text === undefined ? '' : ` (got "${text}")`}.` };
      options[key] = number;
    } else {
      return { kind: 'error', message: `Unknown option "${arg}".` };
    }
  }
  const socketIo = options.dialect !== undefined && options.dialect !== 'intake';
  if (options.blockedRate !== undefined && options.dialect !== 'socketio-events') return { kind: 'error', message: '--blocked-rate needs --dialect socketio-events (only seed 004 has BLOCKED).' };
  if (options.authRefusal !== undefined && !socketIo) return { kind: 'error', message: '--auth-refusal needs a Socket.IO --dialect.' };
  if (tlsFiles.cert !== undefined || tlsFiles.key !== undefined) {
    if (tlsFiles.cert === undefined || tlsFiles.key === undefined) return { kind: 'error', message: '--tls-cert and --tls-key go together.' };
    const cert = readPem(tlsFiles.cert, '--tls-cert', 'CERTIFICATE');
    const key = readPem(tlsFiles.key, '--tls-key', 'PRIVATE KEY');
    if (cert.problem !== null) return { kind: 'error', message: cert.problem };
    if (key.problem !== null) return { kind: 'error', message: key.problem };
    options.tls = { cert: cert.text, key: key.text };
  }
  return { kind: 'run', options };
}

function readPem(file: string, flag: string, kind: string): { text: string; problem: string | null } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { text: '', problem: `${flag}: cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? 'error'}).` };
  }
  return text.includes(`-----BEGIN `) && text.includes(kind) ? { text, problem: null } : { text, problem: `${flag}: "${file}" is not a PEM ${kind.toLowerCase()}.` };
}
