/**
 * The floor for an event-loop delay: a process that does nothing but measure
 * its own loop delay, over the same window, on the same (shared) cores. What
 * it sees is the scheduler's share of any process's delay at that moment.
 */
import { spawn } from 'node:child_process';

const CHILD = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  h.disable();
  process.stdout.write(JSON.stringify({ p99: h.percentile(99) / 1e6, max: h.max / 1e6 }) + '\\n');
  process.exit(0);
});
`;

export interface LoopFloor {
  stop(): Promise<{ p99: number; max: number }>;
}

export async function startLoopFloor(): Promise<LoopFloor> {
  const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    const check = () => (out.includes('ready\n') ? resolve() : child.stdout.once('data', check));
    check();
  });
  return {
    stop: () =>
      new Promise((resolve, reject) => {
        child.once('close', () => {
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line) resolve(JSON.parse(line) as { p99: number; max: number });
          else reject(new Error('the floor process gave no figure'));
        });
        child.stdin.end('stop\n');
      }),
  };
}
