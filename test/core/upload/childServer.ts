/**
 * The reference server in a child process with custom limits, so a memory
 * measurement of the test process sees the client alone. (The server's own
 * CLI has no limit flags; this tiny entry passes them in code.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ReferenceServerOptions } from '../../../src/server/index';

const SERVER_INDEX = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src/server/index.ts');

export interface ChildServer {
  url: string;
  stop(): Promise<void>;
}

export async function startChildServer(options: ReferenceServerOptions): Promise<ChildServer> {
  const script = `
    const { startReferenceServer } = await import(${JSON.stringify(pathToFileURL(SERVER_INDEX).href)});
    const server = await startReferenceServer(${JSON.stringify(options)});
    console.log('listening on ' + server.url);
    process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
  `;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (\S+)/.exec(out);
      if (match) resolveUrl(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server process exited early (${code})`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
      }),
  };
}
