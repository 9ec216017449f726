/**
 * Runs the real `intake` CLI as a child process (node --import tsx
 * src/cli/index.ts) and lets a test wait for what it prints, send it signals,
 * and read its exit code. Every process started here is killed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const running = new Set<ChildProcess>();

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

export interface CliRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout parsed as JSON lines (for --json runs). */
  events(): Array<Record<string, unknown> & { event: string; at: string }>;
  /** Resolves with the exit code (or 128 + signal number when killed by a signal). */
  exited: Promise<number>;
  waitFor(predicate: (run: CliRun) => boolean, what: string, timeoutMs?: number): Promise<void>;
}

export function startCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'src/cli/index.ts'), ...args], {
    cwd: options.cwd ?? repo,
    env: { ...process.env, ...options.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGINT' ? 2 : 15));
    });
  });
  const run: CliRun = {
    child,
    stdout: () => out,
    stderr: () => err,
    events: () =>
      out
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown> & { event: string; at: string }),
    exited,
    waitFor: (predicate, what, timeoutMs = 60_000) => waitUntil(() => predicate(run), what, timeoutMs, () => `stdout:\n${out}\nstderr:\n${err}`),
  };
  return run;
}

/** Runs the CLI to its end. */
export async function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}) {
  const run = startCli(args, options);
  const timeoutMs = options.timeoutMs ?? 90_000;
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    run.exited,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`CLI did not exit within ${timeoutMs} ms.\nstdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  return { code, stdout: run.stdout(), stderr: run.stderr(), events: run.events };
}

/** Polls a condition (no fixed sleeps); fails with what it was waiting for. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, context: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
