/**
 * The reference server in a child process, controlled from the bench process.
 * `restart()` stops it and starts a new process on the same port and data dir,
 * so clients reconnect to the same URL and the server still knows its jobs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReferenceServer } from '../../src/server/index';
import type { ChildOptions, ChildReply, CommandBody } from './serverProtocol';

const childEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'serverChild.ts');
const START_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 120_000;

export interface ServerProcess {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  /** Wall-clock (Date.now) and bench-clock times at which the current process said it was listening. */
  readonly readyAt: { wall: number; bench: number };
  command<T = unknown>(body: CommandBody): Promise<T>;
  stats(): Promise<ReferenceServer['stats']>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  port: number;
  readyAt: { wall: number; bench: number };
}

function launch(options: ChildOptions): Promise<Running> {
  const child = fork(childEntry, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, INTAKE_BENCH_SERVER_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('reference server child did not start within 30 s'));
    }, START_TIMEOUT_MS);
    const onMessage = (raw: unknown) => {
      const message = raw as ChildReply;
      if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve({ child, url: message.url, wsUrl: message.wsUrl, port: message.port, readyAt: { wall: Date.now(), bench: message.at } });
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`reference server child failed to start: ${message.message}`));
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reference server child exited (code ${code}) before it was ready`));
    });
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startServerProcess(options: ChildOptions & { dataDir: string }): Promise<ServerProcess> {
  let running = await launch(options);
  let nextId = 1;

  const command = <T>(body: CommandBody): Promise<T> => {
    const id = nextId++;
    const { child } = running;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`server child did not answer "${body.cmd}" within ${REPLY_TIMEOUT_MS / 1000} s`));
      }, REPLY_TIMEOUT_MS);
      const onMessage = (raw: unknown) => {
        const message = raw as ChildReply;
        if (message.type !== 'reply' || message.id !== id) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        if (message.ok) resolve(message.result as T);
        else reject(new Error(`server child: ${message.error}`));
      };
      child.on('message', onMessage);
      child.send({ ...body, id });
    });
  };

  const stopCurrent = async () => {
    const { child } = running;
    const exited = waitForExit(child);
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(forced);
  };

  return {
    get url() {
      return running.url;
    },
    get wsUrl() {
      return running.wsUrl;
    },
    get port() {
      return running.port;
    },
    get readyAt() {
      return running.readyAt;
    },
    command,
    stats: () => command({ cmd: 'stats' }),
    restart: async () => {
      const port = running.port;
      await stopCurrent();
      running = await launch({ ...options, port });
    },
    stop: stopCurrent,
  };
}
