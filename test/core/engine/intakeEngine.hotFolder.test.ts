/**
 * The desktop engine's hot folder, driven by the settings through
 * IntakeEngine.configure: turning it on watches the folder at the interval
 * given, a new chart-number pattern alone restarts it with that pattern, and
 * what it queues goes to the real reference server. The engine's clock is a
 * fake one, so every check is one the test asked for.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineSettings } from '../../../src/core/engine/ports';
import type { HotFolderNotice } from '../../../src/core/hotFolder/HotFolderSupervisor';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { FakeClock } from '../../support/fakeClock';
import { makePdf } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { waitFor } from '../queue/waitFor';
import { engineRig } from './engineRig';

const INTERVAL = 300;
const rig = engineRig('intake-engine-hot-');

describe('IntakeEngine hot folder', () => {
  it('turned on in the settings it watches at the interval given; a new chart pattern alone restarts it with that pattern', async () => {
    const server = await startServer({ phaseMs: 10 });
    const folder = await rig.tempDir();
    const clock = new FakeClock();
    const notices: HotFolderNotice[] = [];
    const { engine } = await rig.open({
      choice: { serverUrl: server.url, webSocketUrl: null, token: null },
      clock,
      hotFolder: { onNotice: (notice) => notices.push(notice), intervalMs: INTERVAL },
    });
    const hotFolder = engine.hotFolder!;
    let checks = 0;
    const offChecks = hotFolder.onEvent((event) => void (event.type === 'checked' && checks++));
    /** Moves the engine's clock by `ms` and waits for the check that is then due. */
    const checkAfter = async (ms: number) => {
      const before = checks;
      clock.advance(ms);
      await waitFor(() => checks > before, `a check ${ms} ms on`, 5_000);
    };
    const chartsQueued = () => engine.queue.snapshot().map((job) => job.chartNumber).sort();

    const settings: EngineSettings = { ...DEFAULT_SETTINGS, serverUrl: server.url, hotFolder: { path: folder.path, enabled: true } };
    await engine.configure(settings, new Set(['hotFolder']));
    await hotFolder.idle();
    expect(hotFolder.watching).toBe(folder.path);
    await checkAfter(0); // the check at start
    await mkdir(path.join(folder.path, 'HF-1'));
    await writeFile(path.join(folder.path, 'HF-1', 'scan.pdf'), makePdf(1));
    await checkAfter(INTERVAL); // seen
    await checkAfter(INTERVAL); // the same size again: queued
    expect(chartsQueued()).toEqual(['HF-1']);

    await engine.configure({ ...settings, chartNumberPattern: '^(\\d+)_' }, new Set(['chartNumberPattern']));
    await hotFolder.idle();
    await writeFile(path.join(folder.path, '4711_scan.pdf'), makePdf(1));
    await checkAfter(0); // the restarted watcher's check at start
    await checkAfter(INTERVAL);
    expect(chartsQueued()).toEqual(['4711', 'HF-1']);
    await waitFor(() => server.jobs().length === 2, 'both files to reach the server');
    expect(notices).toEqual([]);

    offChecks.dispose();
    await engine.dispose();
    expect(hotFolder.watching).toBeNull();
  });
});
