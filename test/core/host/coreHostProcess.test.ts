/**
 * The app's core host entry (src/main/host/coreHost.ts) as a real Node child
 * process, the stand-in for Electron's utilityProcess, with main's
 * RemoteEngine on the other end: killed mid-job, it is started again on the
 * same journal and nothing accepted is lost; asked to end, it ends its engine
 * and exits on its own.
 */
import { useCleanups } from '../../support/cleanups';
import type { ChildProcess } from 'node:child_process';
import { constants, getPriority } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/base/logger';
import { processEndpoint } from '../../../src/core/host/nodeEndpoints';
import { RemoteEngine } from '../../../src/core/host/RemoteEngine';
import { bundleCoreHost, forkCoreHost, hostedConfig as config, pageCopyOf } from '../../support/coreHostProcess';
import { startServer } from '../../support/referenceServer';
import { waitFor } from '../queue/waitFor';

const { defer, tempDir } = useCleanups('intake-core-host-');

function pageCopy(engine: RemoteEngine) {
  const page = pageCopyOf(engine);
  defer(() => page.dispose());
  return page;
}

describe('RemoteEngine over a Node child process running the host entry', () => {
  let host: Awaited<ReturnType<typeof bundleCoreHost>>;
  beforeAll(async () => {
    host = await bundleCoreHost();
  });
  afterAll(async () => host.remove());

  function startHost(): ChildProcess {
    const child = forkCoreHost(host.entry);
    defer(() => void (child.exitCode === null && child.kill('SIGKILL')));
    return child;
  }

  it('killed mid-job, the core process is started again on the same journal: every job back with its server id, the page brought to it', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const dir = await tempDir();
    const children: ChildProcess[] = [];
    const lost: string[] = [];
    const engine = await RemoteEngine.open({
      connect: () => processEndpoint((children.push(startHost()), children.at(-1)!)),
      config: config(server.url, join(dir.path, 'queue')),
      logger: silentLogger,
      resolveProxy: async () => 'DIRECT',
      onHostLost: (reason) => lost.push(reason),
    });
    defer(() => engine.dispose());
    const page = pageCopy(engine);
    await engine.start();
    page.load();
    const jobs = [
      await engine.queue.enqueue({ chartNumber: 'C-1', files: [await dir.pdf('one.pdf')] }),
      await engine.queue.enqueue({ chartNumber: 'C-2', files: [await dir.pdf('two.pdf')] }),
    ];
    await waitFor(() => jobs.every((job) => engine.queue.get(job.id)?.stage === 'tracking'), 'both jobs uploaded and followed');
    const serverIds = jobs.map((job) => engine.queue.get(job.id)?.jobId);

    const states: string[] = [];
    engine.connection.onState((state) => states.push(state.state));
    children[0]!.kill('SIGKILL');
    await waitFor(() => children.length === 2, 'a second core process started');
    // The new process's own connection: down at its start, then up.
    await waitFor(() => states.some((state) => state !== 'connected') && states.at(-1) === 'connected', 'the new core process connected');
    // A job whose server id was not yet on disk is uploaded again with its Idempotency-Key: the same server job.
    await waitFor(() => jobs.every((job, i) => engine.queue.get(job.id)?.jobId === serverIds[i] && engine.queue.get(job.id)?.stage === 'tracking'), 'both jobs followed again');
    expect(engine.queue.snapshot().map((job) => job.chartNumber).sort()).toEqual(['C-1', 'C-2']);
    expect(server.jobs()).toHaveLength(2);
    await waitFor(() => jobs.every((job) => JSON.stringify(page.jobs.get(job.id)) === JSON.stringify(engine.queue.get(job.id))), 'the page at the new state');
    expect(lost).toEqual([]);
    // And it works as before.
    const more = await engine.queue.enqueue({ chartNumber: 'C-3', files: [await dir.pdf('three.pdf')] });
    await waitFor(() => engine.queue.get(more.id)?.stage === 'tracking', 'a new job through the new core process');
  });

  it('runs below normal priority (the window wins a busy CPU); dispose ends the engine and the process exits on its own', async () => {
    const server = await startServer({ phaseMs: 20 });
    const dir = await tempDir();
    const child = startHost();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const engine = await RemoteEngine.open({ connect: () => processEndpoint(child), config: config(server.url, join(dir.path, 'queue')), logger: silentLogger, resolveProxy: async () => 'DIRECT' });
    await engine.start();
    expect(getPriority(child.pid)).toBe(Math.max(getPriority(), constants.priority.PRIORITY_BELOW_NORMAL));
    await engine.dispose();
    expect(await exited).toBe(0);
  });
});
