/**
 * HotFolderWatcher tests' rig: the real reference server, the real UploadQueue
 * and ConnectionManager (system time, real sockets) over a file store in a temp
 * state folder, and the watcher's checks driven by a fake clock, so every
 * check is one the test asked for. Call `cleanUp()` in afterEach.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger, type Logger } from '../../../src/core/base/logger';
import { ConnectionManager } from '../../../src/core/connection/ConnectionManager';
import { chartFromOption } from '../../../src/core/hotFolder/chartForFile';
import { HotFolderWatcher, type HotFolderEvent, type HotFolderQueue } from '../../../src/core/hotFolder/HotFolderWatcher';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { UploadQueue } from '../../../src/core/queue/UploadQueue';
import type { ReferenceServer, ReferenceServerOptions } from '../../../src/server/index';
import { FakeClock } from '../../support/fakeClock';
import { makePdf, makeTempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { waitFor } from '../queue/waitFor';

export const INTERVAL = 1000;
const cleanups: Array<() => Promise<void>> = [];

export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export interface Rig {
  server: ReferenceServer;
  root: string;
  stateDir: string;
}

export async function rig(serverOptions: ReferenceServerOptions = {}): Promise<Rig> {
  const server = await startServer({ phaseMs: 30, ...serverOptions });
  const dir = await makeTempDir('intake-hotfolder-');
  cleanups.push(() => dir.remove());
  const root = path.join(dir.path, 'in');
  await mkdir(root);
  return { server, root, stateDir: path.join(dir.path, 'state') };
}

/**
 * One app run: queue + connection + watcher; `stop()` quits it as the app does (watcher first, then the queue).
 * `through` stands between the watcher and the queue (a test that swaps files at the moment of enqueue); `logger`
 * gets the watcher's operator log.
 */
export async function run(
  r: Rig,
  pattern: RegExp | null = null,
  through: (queue: UploadQueue) => HotFolderQueue = (queue) => queue,
  logger: Logger = silentLogger,
) {
  const clock = new FakeClock();
  const connection = new ConnectionManager({ baseUrl: r.server.url });
  const queue = new UploadQueue({ server: { baseUrl: r.server.url }, store: createFileQueueStore(r.stateDir), tracker: connection, random: () => 0 });
  await queue.start();
  connection.start();
  const watcher = new HotFolderWatcher({ root: r.root, pattern: chartFromOption(pattern), queue: through(queue), clock, intervalMs: INTERVAL, logger });
  const events: HotFolderEvent[] = [];
  watcher.onEvent((event) => events.push(event));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await watcher.dispose();
    await queue.dispose();
    await connection.dispose();
  };
  cleanups.push(stop);
  await watcher.start();
  /** Runs exactly one check (the clock fires the due timer; the check itself is real I/O). */
  const check = async () => {
    const before = events.filter((e) => e.type === 'checked').length;
    clock.advance(INTERVAL);
    await waitFor(() => events.filter((e) => e.type === 'checked').length > before, 'one hot-folder check');
  };
  return { clock, queue, watcher, events, check, stop };
}

export async function drop(root: string, rel: string, content: string | Buffer = makePdf(1, 0)): Promise<string> {
  const file = path.join(root, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}
