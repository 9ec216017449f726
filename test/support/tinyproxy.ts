/**
 * Debian's real tinyproxy, started by a test on a free port with a generated
 * config (foreground, -d), optionally with Basic auth; its log shows the
 * CONNECT tunnels it opened. Stopped when the test (or file) ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

export interface Tinyproxy {
  readonly url: string;
  readonly port: number;
  /** The proxy's own log so far. */
  log(): string;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop). */
  start(): Promise<void>;
}

export interface TinyproxyOptions {
  dir: string;
  auth?: { username: string; password: string };
  /** Lines added to the config (e.g. a Filter). */
  extra?: string[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export async function startTinyproxy(options: TinyproxyOptions): Promise<Tinyproxy> {
  const port = await freePort();
  const logFile = join(options.dir, `tinyproxy-${port}.log`);
  const configFile = join(options.dir, `tinyproxy-${port}.conf`);
  writeFileSync(logFile, '');
  // No ConnectPort line: tinyproxy then allows CONNECT to any port (the test server's is random).
  const lines = [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 60', `LogFile "${logFile}"`, 'LogLevel Info', 'MaxClients 50', 'Allow 127.0.0.1', 'DisableViaHeader Yes'];
  if (options.auth) lines.push(`BasicAuth ${options.auth.username} ${options.auth.password}`);
  writeFileSync(configFile, [...lines, ...(options.extra ?? [])].join('\n') + '\n');
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    const proc = spawn('/usr/bin/tinyproxy', ['-d', '-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for (let i = 0; i < 200; i += 1) {
      if (proc.exitCode !== null) throw new Error(`tinyproxy exited: ${stderr}`);
      if (await accepting(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('tinyproxy did not start listening');
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  };
  await start();
  try {
    onTestFinished(stop);
  } catch {
    // Outside a test: the caller stops it.
  }
  return { url: `http://127.0.0.1:${port}`, port, log: () => readFileSync(logFile, 'utf8'), stop, start };
}
