/**
 * The `intake` command line grammar. Pure: argv in, a typed command or a
 * precise usage error out. No I/O, no dependency, so every rule is a table test.
 *
 * Tokens are never echoed back in messages: a usage error names the flag,
 * never the value the user typed after `--token`. INTAKE_TOKEN is the way to
 * give one: a command line is visible to every user of the computer (`ps`),
 * the environment is not, so it wins over --token and --token earns a notice.
 */
import { serverUrlProblem, chartPatternProblem, webSocketUrlProblem, proxyUrlProblem } from '../shared/settingsProblems';

export interface CommonOptions {
  server: string | null;
  /** --ws-url: the WebSocket URL when it is not the one derived from the server; null = derived. */
  wsUrl: string | null;
  token: string | null;
  /** --backend: intake, socketio-rooms, socketio-events or a dialect file (PATH.json); null = intake (or what a resumed run used). */
  backend: string | null;
  stateDir: string | null;
  json: boolean;
  /** Uploads at the same time; null = the queue's default (2). */
  concurrency: number | null;
  /** --allow-insecure-http: plain http:// to another host was allowed explicitly. */
  allowInsecureHttp: boolean;
  network: NetworkArgs;
  /** --log-file FILE: the operator log also goes to this rotating file (redacted, like the app's). */
  logFile: string | null;
}

/** How to reach the server: --proxy URL (every URL, loopback too), --no-proxy, else the environment; --ca-file PEM. */
export interface NetworkArgs {
  proxy: string | null;
  noProxy: boolean;
  caFile: string | null;
}

export type Command =
  | { kind: 'help' }
  | ({ kind: 'upload'; server: string } & CommonOptions & ({ chart: string; files: string[]; jobsFile: null } | { chart: null; files: []; jobsFile: string }))
  | ({ kind: 'resume'; stateDir: string } & CommonOptions)
  | ({ kind: 'watch'; server: string; folder: string; chartFrom: string | null; intervalMs: number } & CommonOptions)
  | ({ kind: 'doctor'; server: string } & CommonOptions);

/** `notice`: something to tell the user on stderr before running (a --token on the command line). */
export type ParseResult = { ok: true; command: Command; notice?: string } | { ok: false; message: string };

export const USAGE = `Usage:
  intake upload --server URL [--ws-url URL] [--backend B] --chart N [--token T] [--state-dir DIR] [--json] [--concurrency N] FILE...
  intake upload --server URL [--ws-url URL] [--backend B] --jobs jobs.json [--token T] [--state-dir DIR] [--json] [--concurrency N]
  intake resume --state-dir DIR [--server URL] [--ws-url URL] [--backend B] [--token T] [--json] [--concurrency N]
  intake watch DIR --server URL [--ws-url URL] [--backend B] [--chart-from REGEX] [--interval-ms MS] [--token T] [--state-dir DIR] [--json] [--concurrency N]
  intake doctor --server URL [--ws-url URL] [--proxy URL | --no-proxy] [--ca-file FILE] [--token T]
  intake help

Options:
  --server URL         REST base of the backend, e.g. https://ai.example.org/api
  --ws-url URL         WebSocket URL when it is not <server>/ws (intake) or the server's origin +
                       /socket.io (Socket.IO backends), e.g. wss://push.example.org/ws
  --backend B          the backend's contract: intake (default), socketio-rooms, socketio-events,
                       or a custom dialect file PATH.json (upload, watch, resume; kept in the state folder)
  --token T            bearer token; never printed. Prefer INTAKE_TOKEN=T in the
                       environment: a command line is visible to other users (ps).
                       When both are given, INTAKE_TOKEN is used
  --state-dir DIR      keep the queue here so "intake resume" can finish a killed run
  --json               one JSON object per line on stdout
  --concurrency N      uploads at the same time, 1 to 8 (default 2)
  --allow-insecure-http  permit plain http:// (and ws://) to a host other than this computer
  --proxy URL          send everything through this proxy, e.g. http://proxy:3128 (credentials:
                       http://user:password@proxy:3128 or INTAKE_PROXY_CREDENTIALS=user:password).
                       Without it HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read as curl reads them
  --no-proxy           connect directly, whatever the environment says
  --log-file FILE      also write the log (info and up, no names or chart numbers) to FILE,
                       rotated at 1 MiB to FILE's .old copy
  --ca-file FILE       also trust this certificate authority (PEM), e.g. your organisation's
doctor checks each step to the server (DNS, TCP, proxy, TLS, HTTP, WebSocket), one line each; exit 0 when all pass, 1 when one fails.
Exit codes: 0 all jobs completed, 1 a job failed or was rejected, 2 usage error (or unusable state folder),
130 interrupted, 70 internal error.`;

const VALUE_FLAGS = ['--server', '--ws-url', '--backend', '--chart', '--jobs', '--token', '--state-dir', '--chart-from', '--interval-ms', '--concurrency', '--proxy', '--ca-file', '--log-file'] as const;
const BOOLEAN_FLAGS = ['--json', '--allow-insecure-http', '--no-proxy'] as const;
const NETWORK_FLAGS = ['--proxy', '--no-proxy', '--ca-file', '--log-file'];
type ValueFlag = (typeof VALUE_FLAGS)[number];
type BooleanFlag = (typeof BOOLEAN_FLAGS)[number];

const ALLOWED: Record<'upload' | 'resume' | 'watch' | 'doctor', readonly string[]> = {
  upload: ['--server', '--ws-url', '--backend', '--chart', '--jobs', '--token', '--state-dir', '--json', '--concurrency', '--allow-insecure-http', ...NETWORK_FLAGS],
  resume: ['--server', '--ws-url', '--backend', '--token', '--state-dir', '--json', '--concurrency', '--allow-insecure-http', ...NETWORK_FLAGS],
  doctor: ['--server', '--ws-url', '--token', '--allow-insecure-http', ...NETWORK_FLAGS],
  watch: ['--server', '--ws-url', '--backend', '--chart-from', '--interval-ms', '--token', '--state-dir', '--json', '--concurrency', '--allow-insecure-http', ...NETWORK_FLAGS],
};

export const DEFAULT_SCAN_INTERVAL_MS = 2000;

class UsageError extends Error {}

interface RawArgs {
  values: Partial<Record<ValueFlag, string>>;
  booleans: Set<BooleanFlag>;
  positionals: string[];
}

/** Values an administrator's policy presets (cliPolicy.ts): used when the flag is not given. */
export interface ArgPresets {
  server?: string | null;
}

export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, presets: ArgPresets = {}): ParseResult {
  try {
    const command = parseCommand(argv, env, presets);
    const notice = command.kind === 'help' ? null : tokenNotice(argv, env);
    return notice === null ? { ok: true, command } : { ok: true, command, notice };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, message: error.message };
    throw error;
  }
}

function parseCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, presets: ArgPresets): Command {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('No command given.');
  if (name === 'help' || name === '--help' || name === '-h') return { kind: 'help' };
  if (name !== 'upload' && name !== 'resume' && name !== 'watch' && name !== 'doctor') {
    throw new UsageError(`Unknown command "${name}"; expected upload, resume, watch, doctor or help.`);
  }
  if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help' };
  const raw = readFlags(rest, ALLOWED[name], name);
  const common = commonOptions(raw, env, presets);

  if (name === 'upload') return uploadCommand(raw, common);
  if (name === 'doctor') {
    if (raw.positionals.length > 0) throw new UsageError(`doctor takes no file arguments (got "${raw.positionals[0]}").`);
    return { kind: 'doctor', ...common, server: requireServer(common, 'doctor') };
  }
  if (name === 'resume') {
    if (common.stateDir === null) throw new UsageError('resume needs --state-dir DIR (the folder the interrupted run used).');
    if (raw.positionals.length > 0) throw new UsageError(`resume takes no file arguments (got "${raw.positionals[0]}").`);
    return { kind: 'resume', ...common, stateDir: common.stateDir };
  }
  return watchCommand(raw, common);
}

function readFlags(args: readonly string[], allowed: readonly string[], command: string): RawArgs {
  const raw: RawArgs = { values: {}, booleans: new Set(), positionals: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      raw.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      raw.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!allowed.includes(flag)) {
      const known = (VALUE_FLAGS as readonly string[]).includes(flag) || (BOOLEAN_FLAGS as readonly string[]).includes(flag);
      throw new UsageError(known ? `${flag} is not an option of "${command}".` : `Unknown option ${flag}.`);
    }
    if ((BOOLEAN_FLAGS as readonly string[]).includes(flag)) {
      if (eq > 0) throw new UsageError(`${flag} takes no value.`);
      raw.booleans.add(flag as BooleanFlag);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      const next = args[i + 1];
      // "--server --json" is a forgotten value, not a server called "--json".
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
      value = next;
      i++;
    }
    if (value === '') throw new UsageError(`${flag} needs a non-empty value.`);
    if (raw.values[flag as ValueFlag] !== undefined) throw new UsageError(`${flag} given more than once.`);
    raw.values[flag as ValueFlag] = value;
  }
  return raw;
}

function tokenNotice(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string | null {
  if (!argv.some((arg) => arg === '--token' || arg.startsWith('--token='))) return null;
  const envToken = env.INTAKE_TOKEN;
  if (envToken !== undefined && envToken !== '') return 'INTAKE_TOKEN is set, so the --token value is not used; leave --token out (a command line is visible to other users in ps).';
  return '--token is visible to other users of this computer (ps); set INTAKE_TOKEN in the environment instead.';
}

function commonOptions(raw: RawArgs, env: Readonly<Record<string, string | undefined>>, presets: ArgPresets): CommonOptions {
  const server = raw.values['--server'] ?? presets.server ?? null;
  const allowInsecureHttp = raw.booleans.has('--allow-insecure-http');
  if (server !== null) {
    const problem = serverUrlProblem(server, allowInsecureHttp);
    if (problem !== null) throw new UsageError(`--server: ${problem}`);
  }
  const wsUrl = raw.values['--ws-url'] ?? null;
  if (wsUrl !== null) {
    const problem = webSocketUrlProblem(wsUrl, allowInsecureHttp);
    if (problem !== null) throw new UsageError(`--ws-url: ${problem}`);
  }
  const backend = raw.values['--backend'] ?? null;
  if (backend !== null && !['intake', 'socketio-rooms', 'socketio-events'].includes(backend) && !backend.toLowerCase().endsWith('.json')) {
    throw new UsageError(`--backend must be intake, socketio-rooms, socketio-events or a dialect file PATH.json (got "${backend}").`);
  }
  const envToken = env.INTAKE_TOKEN;
  const concurrencyText = raw.values['--concurrency'];
  const concurrency = concurrencyText === undefined ? null : Number(concurrencyText);
  if (concurrency !== null && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 8)) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 8 (got "${concurrencyText}").`);
  }
  return {
    concurrency,
    server,
    wsUrl,
    backend,
    token: envToken !== undefined && envToken !== '' ? envToken : (raw.values['--token'] ?? null),
    stateDir: raw.values['--state-dir'] ?? null,
    json: raw.booleans.has('--json'),
    allowInsecureHttp,
    network: networkArgs(raw),
    logFile: raw.values['--log-file'] ?? null,
  };
}

function networkArgs(raw: RawArgs): NetworkArgs {
  const proxy = raw.values['--proxy'] ?? null;
  const noProxy = raw.booleans.has('--no-proxy');
  if (proxy !== null && noProxy) throw new UsageError('Give either --proxy or --no-proxy, not both.');
  if (proxy !== null) {
    const problem = proxyUrlProblem(proxy);
    // The value may hold a password: the message never repeats it.
    if (problem !== null) throw new UsageError(`--proxy: ${problem}`);
  }
  return { proxy, noProxy, caFile: raw.values['--ca-file'] ?? null };
}

function requireServer(common: CommonOptions, command: string): string {
  if (common.server === null) throw new UsageError(`${command} needs --server URL.`);
  return common.server;
}

function uploadCommand(raw: RawArgs, common: CommonOptions): Command {
  const server = requireServer(common, 'upload');
  const chart = raw.values['--chart'];
  const jobsFile = raw.values['--jobs'];
  if (chart !== undefined && jobsFile !== undefined) throw new UsageError('Give either --chart with files, or --jobs, not both.');
  if (jobsFile !== undefined) {
    if (raw.positionals.length > 0) {
      throw new UsageError(`Files are listed inside the --jobs file; unexpected argument "${raw.positionals[0]}".`);
    }
    return { kind: 'upload', ...common, server, chart: null, files: [], jobsFile };
  }
  if (chart === undefined) throw new UsageError('upload needs --chart N with files, or --jobs jobs.json.');
  if (raw.positionals.length === 0) throw new UsageError('upload --chart needs at least one FILE.');
  return { kind: 'upload', ...common, server, chart, files: raw.positionals, jobsFile: null };
}

function watchCommand(raw: RawArgs, common: CommonOptions): Command {
  const server = requireServer(common, 'watch');
  const [folder, extra] = raw.positionals;
  if (folder === undefined) throw new UsageError('watch needs the folder to watch: intake watch DIR --server URL.');
  if (extra !== undefined) throw new UsageError(`watch takes one folder; unexpected argument "${extra}".`);
  const chartFrom = raw.values['--chart-from'] ?? null;
  if (chartFrom !== null) {
    const problem = chartPatternProblem(chartFrom);
    if (problem !== null) throw new UsageError(`--chart-from: ${problem}`);
  }
  const intervalText = raw.values['--interval-ms'];
  let intervalMs = DEFAULT_SCAN_INTERVAL_MS;
  if (intervalText !== undefined) {
    intervalMs = Number(intervalText);
    if (!Number.isInteger(intervalMs) || intervalMs < 10 || intervalMs > 3_600_000) {
      throw new UsageError(`--interval-ms must be a whole number of milliseconds between 10 and 3600000 (got "${intervalText}").`);
    }
  }
  return { kind: 'watch', ...common, server, folder, chartFrom, intervalMs };
}
