/**
 * Command-line options of `npm run server` / out/server/index.js.
 * Returns a usage error instead of throwing, so main.ts decides how to exit.
 */
import { parseFailPlan } from './failPlanSpec';
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
  --data-dir DIR     keep jobs and uploads here (default: a temp dir, removed on exit)
  --no-snapshot      no snapshot in "subscribed" acks
  --no-ws            refuse WebSocket connections (clients must poll)
  --help             show this text`;

export type ParsedArgs = { kind: 'run'; options: ReferenceServerOptions } | { kind: 'help' } | { kind: 'error'; message: string };

type NumberFlag = 'port' | 'phaseMs' | 'pingMs' | 'failRate' | 'maxAttempts';
const NUMBER_FLAGS: Record<string, { key: NumberFlag; valid: (n: number) => boolean; rule: string }> = {
  '--port': { key: 'port', valid: (n) => Number.isInteger(n) && n >= 0 && n <= 65535, rule: 'a whole number 0–65535' },
  '--phase-ms': { key: 'phaseMs', valid: (n) => Number.isInteger(n) && n >= 0, rule: 'a whole number of milliseconds, 0 or more' },
  '--ping-ms': { key: 'pingMs', valid: (n) => Number.isInteger(n) && n > 0, rule: 'a whole number of milliseconds, more than 0' },
  '--fail-rate': { key: 'failRate', valid: (n) => n >= 0 && n <= 1, rule: 'a number from 0 to 1' },
  '--max-attempts': { key: 'maxAttempts', valid: (n) => Number.isInteger(n) && n >= 1, rule: 'a whole number, 1 or more' },
};

export function parseServerArgs(argv: readonly string[]): ParsedArgs {
  const options: ReferenceServerOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];

    if (flag === '--help' || flag === '-h') return { kind: 'help' };
    if (flag === '--no-snapshot') options.snapshot = false;
    else if (flag === '--no-ws') options.webSocket = false;
    else if (flag === '--fail-plan') {
      const plan = parseFailPlan(value() ?? '');
      if (typeof plan === 'string') return { kind: 'error', message: plan };
      options.failPlan = plan;
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
  return { kind: 'run', options };
}
