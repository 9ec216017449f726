/**
 * Starting the reference server from tests.
 *
 * In-process (fast; every switch of ReferenceServer available):
 *   const server = await startServer({ phaseMs: 20 });
 *   // server.url, server.wsUrl, server.dropAllSockets(), ...
 * Called inside a test (or beforeEach) it closes when that test finishes;
 * called from beforeAll it closes after the file's last test.
 *
 * As a child process (to restart or kill the server *process* mid-job):
 *   const proc = await spawnServerProcess({ args: ['--phase-ms', '50'] });
 *   // proc.url, proc.wsUrl, proc.port, proc.dataDir
 *   await proc.restart();                      // SIGTERM, then the same port + data dir
 *   await proc.restart({ signal: 'SIGKILL' }); // a crash: no clean shutdown
 *   await proc.kill();                         // resolves with the exit code
 * The data dir is a fresh temp dir unless given; jobs survive restarts
 * because the server persists them there. Cleanup is registered like startServer's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, onTestFinished } from 'vitest';
import { type ReferenceServer, type ReferenceServerOptions, startReferenceServer } from '../../src/server/index';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER_ENTRY = join(REPO_ROOT, 'src/server/main.ts');

const leftovers = new Set<() => Promise<void>>();
afterAll(async () => {
  const cleanups = [...leftovers];
  leftovers.clear();
  await Promise.all(cleanups.map((cleanup) => cleanup()));
});

/** Runs `cleanup` when the current test ends, or after the file when there is no current test. */
function registerCleanup(cleanup: () => Promise<void>): void {
  leftovers.add(cleanup);
  try {
    onTestFinished(async () => {
      leftovers.delete(cleanup);
      await cleanup();
    });
  } catch {
    // Not inside a test (beforeAll): the afterAll above closes it.
  }
}

export async function startServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const server = await startReferenceServer(options);
  registerCleanup(() => server.close());
  return server;
}

export interface ServerProcess {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** Everything the server wrote to stderr so far (request logs, never names or chart numbers). */
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code (null when killed by a signal). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Stops the process and starts a new one on the same port and data dir. */
  restart(options?: { signal?: NodeJS.Signals }): Promise<void>;
}

export interface SpawnServerOptions {
  /** Extra CLI arguments (PROTOCOL options); `--port` and `--data-dir` are managed here. */
  args?: string[];
  /** Defaults to a fresh temp dir, removed at cleanup. */
  dataDir?: string;
  /** Overall wait for the `listening on` line. */
  startTimeoutMs?: number;
}

export async function spawnServerProcess(options: SpawnServerOptions = {}): Promise<ServerProcess> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'intake-server-process-'));
  const args = options.args ?? [];
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  let log = '';
  let child: ChildProcess | null = null;
  let url = '';
  let port = 0;

  const launch = async (wantedPort: number): Promise<void> => {
    const started = await launchServer([...args, '--port', String(wantedPort), '--data-dir', dataDir], startTimeoutMs, (text) => {
      log += text;
    });
    child = started.child;
    url = started.url;
    port = Number(new URL(url).port);
  };

  const kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    const running = child;
    child = null;
    if (running === null || running.exitCode !== null || running.signalCode !== null) return running?.exitCode ?? null;
    const exited = new Promise<number | null>((done) => running.once('exit', (code) => done(code)));
    running.kill(signal);
    return exited;
  };

  await launch(0);
  registerCleanup(async () => {
    await kill('SIGKILL');
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  return {
    get url() {
      return url;
    },
    get wsUrl() {
      return url.replace(/^http/, 'ws') + '/ws';
    },
    get port() {
      return port;
    },
    dataDir,
    stderr: () => log,
    kill,
    restart: async ({ signal = 'SIGTERM' } = {}) => {
      await kill(signal);
      await launch(port);
    },
  };
}

async function launchServer(
  args: string[],
  timeoutMs: number,
  onStderr: (text: string) => void,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', onStderr);
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`reference server did not print "listening on" within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => {
      stdout += text;
      const match = /listening on (\S+)/.exec(stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolvePromise({ child, url: match[1] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reference server exited with code ${code} before listening`));
    });
  });
}
