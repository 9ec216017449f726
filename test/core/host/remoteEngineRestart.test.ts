/**
 * A core process that dies, as main sees it (RemoteEngine): started again with
 * what was in use (settings changed since, the hot folder), the mirror and the
 * page brought to the restarted core's state, deaths counted within a minute
 * only, and a core that cannot be started again reported lost.
 */
import { useCleanups } from '../../support/cleanups';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESTART_LIMIT, RESTART_WINDOW_MS } from '../../../src/core/host/RemoteEngine';
import { HostGoneError } from '../../../src/core/host/rpcPeer';
import { createJournalQueueStore } from '../../../src/core/persistence/journalQueueStore';
import { PERSISTED_QUEUE_VERSION } from '../../../src/core/persistence/persistedQueue';
import type { EngineHostDeps } from '../../../src/core/host/engineHost';
import type { QueueChange } from '../../../src/shared/queueJob';
import type { HotFolderNotice } from '../../../src/core/hotFolder/HotFolderSupervisor';
import { pageCopyOf } from '../../support/coreHostProcess';
import { startServer } from '../../support/referenceServer';
import { SOCKETIO_ROOMS } from '../../../src/shared/dialect';
import { appNetwork } from '../../../src/core/network/appNetwork';
import { sampleJob } from '../../support/sampleJob';
import { waitFor } from '../queue/waitFor';
import { openHostedEngine } from './hostRig';

const { defer, tempDir } = useCleanups('intake-remote-restart-');

const openEngine = (options: Parameters<typeof openHostedEngine>[1] = {}) => openHostedEngine(defer, options);

describe('deaths are counted within a minute', () => {
  it(`${RESTART_LIMIT} deaths more than a minute before do not count; ${RESTART_LIMIT} within one (a minute apart exactly counts) end it`, async () => {
    let now = 0;
    const lost: string[] = [];
    const { engine, hostPorts, kill } = await openEngine({ engine: { now: () => now, onHostLost: (reason) => lost.push(reason) } });
    // An empty queue: a restart changes no job, and main's listeners hear of none.
    const changes: unknown[] = [];
    engine.queue.onChange((batch) => changes.push(batch));
    await engine.start();
    for (const at of [0, 1, 2]) {
      now = at;
      await kill();
    }
    // The death at 0 is more than a minute old; those at 1 and 2 still count.
    now = RESTART_WINDOW_MS + 1;
    await kill();
    // 1 leaves the minute, 2 is a minute old exactly: still counted, with the two just now.
    now = RESTART_WINDOW_MS + 2;
    await kill();
    expect(lost).toEqual([]);
    hostPorts.at(-1)!.close();
    await waitFor(() => lost.length === 1, 'main told after the limit');
    expect(lost[0]).toMatch(/closed/);
    expect(hostPorts).toHaveLength(6);
    expect(changes).toEqual([]);
    await expect(engine.checkConnection()).rejects.toBeInstanceOf(HostGoneError);
  });

  it('a core that cannot be opened again is tried until the limit, then reported lost with why', async () => {
    const lost: string[] = [];
    const cannotOpen: Partial<EngineHostDeps> = {
      openQueueStore: () => {
        throw new Error('the queue folder cannot be opened');
      },
    };
    const { engine, hostPorts, log } = await openEngine({ hostDeps: (index) => (index === 0 ? {} : cannotOpen), engine: { now: () => 7, onHostLost: (reason) => lost.push(reason) } });
    await engine.start();
    hostPorts[0]!.close();
    await waitFor(() => lost.length === 1, 'main told');
    expect(lost).toEqual(['the queue folder cannot be opened']);
    expect(hostPorts).toHaveLength(1 + RESTART_LIMIT);
    expect(log.lines.filter((l) => l.message === 'the core process could not be started again')).toHaveLength(RESTART_LIMIT);
    expect(log.lines.find((l) => l.message === 'the core process could not be started again')?.fields).toEqual({ error: 'the queue folder cannot be opened' });
    expect(log.lines.find((l) => l.message === 'the core process ended unexpectedly again; not starting it again')?.fields).toEqual({
      reason: 'the queue folder cannot be opened',
      restarts: RESTART_LIMIT,
    });
  });

  it('a core that dies while it is being started again is replaced by one process, not two on the one journal', async () => {
    const lost: string[] = [];
    // The first restart dies while loading the queue (the journal's read never ends).
    const dyingOnLoad = (index: number): Partial<EngineHostDeps> =>
      index !== 1
        ? {}
        : {
            openQueueStore: (queueDir) => ({
              ...createJournalQueueStore(queueDir),
              load: () => {
                rig.hostPorts[1]!.close();
                return new Promise(() => undefined);
              },
            }),
          };
    const rig = await openEngine({ hostDeps: dyingOnLoad, engine: { now: () => 3, onHostLost: (reason) => lost.push(reason) } });
    const { engine, hostPorts, dir, runningAgain } = rig;
    await engine.start();
    hostPorts[0]!.close();
    await waitFor(() => runningAgain() >= 1, 'running again');
    const job = await engine.queue.enqueue({ chartNumber: 'T-1', files: [await dir.pdf('t.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'completed');
    expect(hostPorts).toHaveLength(3);
    expect(runningAgain()).toBe(1);
    expect(lost).toEqual([]);
  });
});

describe('the restarted core is what main shows', () => {
  it('jobs it does not have leave the mirror and the page, those it has stay (never removed on the way), its pause state holds', async () => {
    const elsewhere = await tempDir();
    const { engine, dir, kill } = await openEngine({
      // The restarted core opens another journal: one that has the first job only, not paused.
      hostDeps: (index) => (index === 0 ? {} : { openQueueStore: (_dir, legacy) => createJournalQueueStore(join(elsewhere.path, 'queue'), { ...(legacy && { legacy }) }) }),
    });
    const page = pageCopyOf(engine);
    defer(() => page.dispose());
    await engine.start();
    page.load();
    const kept = await engine.queue.enqueue({ chartNumber: 'P-1', files: [await dir.pdf('a.pdf')] });
    const alsoKept = await engine.queue.enqueue({ chartNumber: 'P-3', files: [await dir.pdf('c.pdf')] });
    await waitFor(() => [kept, alsoKept].every((job) => engine.queue.get(job.id)?.stage === 'completed'), 'completed');
    engine.queue.pauseAll();
    const dropped = await engine.queue.enqueue({ chartNumber: 'P-2', files: [await dir.pdf('b.pdf')] });
    expect(engine.queue.paused).toBe(true);
    const seeded = createJournalQueueStore(join(elsewhere.path, 'queue'));
    // And two finished jobs main never heard of (their news died with the core).
    const unheard = [sampleJob({ id: 'unheard-1', chartNumber: 'U-1', stage: 'completed' }), sampleJob({ id: 'unheard-2', chartNumber: 'U-2', stage: 'completed' })];
    await seeded.save({ version: PERSISTED_QUEUE_VERSION, jobs: [engine.queue.get(kept.id)!, engine.queue.get(alsoKept.id)!, ...unheard], paused: false });
    await seeded.close?.();

    const changes: QueueChange[] = [];
    engine.queue.onChange((batch) => changes.push(...batch));
    await kill();
    const restored = [kept.id, alsoKept.id, 'unheard-1', 'unheard-2'].sort();
    expect(engine.queue.snapshot().map((job) => job.id).sort()).toEqual(restored);
    expect(engine.queue.paused).toBe(false);
    expect([...page.jobs.keys()].sort()).toEqual(restored);
    expect(page.jobs.get(kept.id)).toEqual(engine.queue.get(kept.id));
    expect(changes.filter((c) => c.type === 'remove').map((c) => c.type === 'remove' && c.id)).toEqual([dropped.id]);
  });

  it('main quitting while a restarted core opens: that core is ended, not bound', async () => {
    let release!: () => void;
    const opening = new Promise<void>((resolve) => (release = resolve));
    let endedCores = 0;
    const { engine, hostPorts, log } = await openEngine({
      // The restarted core: its engine opens once the test lets it, and it says when it has ended.
      hostDeps: (index) =>
        index !== 1 ? {} : { onDisposed: () => void (endedCores += 1), buildNetwork: async (settings, deps) => (await opening, appNetwork(settings, deps)) },
    });
    await engine.start();
    hostPorts[0]!.close();
    await waitFor(() => hostPorts.length === 2, 'a core started again');
    await engine.dispose();
    release();
    await waitFor(() => endedCores === 1, 'the restarted core ended');
    expect(log.messages()).not.toContain('the core process runs again');
  });

  it('a core that dies before start() is opened again but not started; start() then starts it', async () => {
    const { engine, hostPorts, dir, log } = await openEngine();
    const servers: string[] = [];
    engine.onServer((server) => servers.push(server.baseUrl));
    hostPorts[0]!.close();
    await waitFor(() => servers.length === 1, 'opened again');
    expect(engine.connection.state.state).toBe('stopped');
    await engine.start();
    const job = await engine.queue.enqueue({ chartNumber: 'B-1', files: [await dir.pdf('b.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'completed after start');
    expect(log.lines.filter((l) => l.message === 'queue loaded')).toHaveLength(1);
    expect(log.messages()).not.toContain('the core process runs again');
  });

  it('the backend dialect chosen since holds in the restarted core, through later changes that name none', async () => {
    const server = await startServer({ phaseMs: 10, dialect: SOCKETIO_ROOMS });
    const { engine, dir, kill, settings } = await openEngine();
    await engine.start();
    const here = { ...settings, serverUrl: server.url };
    await engine.configure(here as never, new Set(), SOCKETIO_ROOMS);
    expect(engine.server).toMatchObject({ baseUrl: expect.stringContaining(new URL(server.url).host), dialect: { name: 'socketio-rooms' } });
    await engine.configure({ ...here, historySize: 50 } as never, new Set(['historySize']));
    await kill();
    expect(engine.server.dialect.name).toBe('socketio-rooms');
    const job = await engine.queue.enqueue({ chartNumber: 'D-1', files: [await dir.pdf('d.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'completed over the dialect');
    expect(server.jobs()).toHaveLength(1);
  });

  it('the history size and chart numbers in notifications set since the first start hold in the restarted core', async () => {
    const { engine, dir, kill, settings } = await openEngine();
    await engine.start();
    await engine.configure({ ...settings, historySize: 1, chartNumbersInNotifications: true } as never, new Set(['historySize', 'chartNumbersInNotifications']));
    await kill();
    const bodies: string[] = [];
    engine.onNotification((decision) => bodies.push(decision.body));
    for (const chart of ['C-1', 'C-2']) {
      const job = await engine.queue.enqueue({ chartNumber: chart, files: [await dir.pdf(`${chart}.pdf`)] });
      await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', `${chart} completed`);
    }
    await waitFor(() => engine.queue.snapshot().length === 1, 'one finished job kept');
    expect(engine.queue.snapshot()[0]!.chartNumber).toBe('C-2');
    await waitFor(() => bodies.some((body) => body.includes('C-2')), 'a notification naming the chart');
  });
});

describe('the hot folder of a restarted core', () => {
  const relative = { hotFolder: { path: 'Scans', enabled: true }, chartNumberPattern: null };
  const fullPath = /must be a full path/;

  it('is given the settings last applied or configured, and its notices reach main', async () => {
    const notices: HotFolderNotice[] = [];
    const { engine, kill, settings } = await openEngine({ config: { hotFolder: true }, engine: { onHotFolderNotice: (notice) => notices.push(notice) } });
    const scans = await tempDir();
    await engine.start();
    // Settings objects carry more than the hot folder's fields; only those cross.
    await engine.hotFolder!.apply({ ...settings, ...relative } as never);
    expect(notices).toEqual([{ title: 'Hot folder', body: expect.stringMatching(fullPath) }]);
    await kill();
    await waitFor(() => notices.length === 2, 'applied again');
    expect(notices[1]!.body).toMatch(fullPath);

    // A pattern change alone is remembered too: the folder is watched, the pattern cannot be used.
    await engine.configure({ ...settings, hotFolder: { path: scans.path, enabled: true }, chartNumberPattern: '(' } as never, new Set(['chartNumberPattern']));
    await waitFor(() => notices.length === 3, 'the pattern refused');
    await kill();
    await waitFor(() => notices.length === 4, 'applied again');
    expect(notices.slice(2).map((n) => n.body)).toEqual([notices[2]!.body, notices[2]!.body]);
    expect(notices[3]!.body).not.toMatch(fullPath);

    // A folder change alone too: switched off, a restarted core has nothing to say.
    await engine.configure({ ...settings, hotFolder: { path: null, enabled: false }, chartNumberPattern: '(' } as never, new Set(['hotFolder']));
    await kill();
    expect(notices).toHaveLength(4);
  });

  it('a restart before any settings were applied applies none; a pattern given with the folder crosses with it', async () => {
    const notices: HotFolderNotice[] = [];
    const { engine, kill, log } = await openEngine({ config: { hotFolder: true }, engine: { onHotFolderNotice: (notice) => notices.push(notice) } });
    await engine.start();
    await kill();
    expect(log.lines.filter((l) => l.level === 'error' && l.message.startsWith('The hot folder'))).toEqual([]);
    const scans = await tempDir();
    await engine.hotFolder!.apply({ hotFolder: { path: scans.path, enabled: true }, chartNumberPattern: '(' });
    await waitFor(() => notices.length === 1, 'the pattern refused');
    expect(notices[0]!.body).not.toMatch(fullPath);
  });

  it('none without the hot folder in the config', async () => {
    const { engine } = await openEngine();
    expect(engine.hotFolder).toBeNull();
  });
});
