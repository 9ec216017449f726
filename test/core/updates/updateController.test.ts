// When to check, when to install, what to tell: the update rules with fake time and a stand-in updater.
import { describe, expect, it } from 'vitest';
import { toDisposable } from '../../../src/core/base/lifecycle';
import { silentLogger } from '../../../src/core/base/logger';
import { DEFAULT_UPDATE_POLICY } from '../../../src/core/policy/managedPolicy';
import { UPDATE_CHECK_INTERVAL_MS, UpdateController, restartLabel, uploadsInFlight, type UpdaterPort } from '../../../src/core/updates/updateController';
import { FakeClock } from '../../support/fakeClock';

function rig(options: { enabled?: boolean; inFlight?: boolean } = {}) {
  const clock = new FakeClock();
  const state = { checks: 0, installs: 0, inFlight: options.inFlight ?? false, changes: 0, fail: false };
  let downloaded: ((version: string) => void) | null = null;
  const notices: string[] = [];
  const updater: UpdaterPort = {
    check: async () => {
      state.checks++;
      if (state.fail) throw new Error('feed down');
    },
    onDownloaded: (listener) => {
      downloaded = listener;
      return toDisposable(() => (downloaded = null));
    },
    install: () => void state.installs++,
  };
  const controller = new UpdateController({
    clock,
    policy: { ...DEFAULT_UPDATE_POLICY, enabled: options.enabled ?? true },
    updater,
    uploadsInFlight: () => state.inFlight,
    notify: (title, body) => notices.push(`${title}: ${body}`),
    onChange: () => void state.changes++,
    logger: silentLogger,
  });
  return { clock, state, controller, notices, download: (version: string) => downloaded?.(version) };
}

describe('UpdateController', () => {
  it('checks at start and every 6 hours, also after a failed check', async () => {
    const { clock, state, controller } = rig();
    controller.start();
    expect(state.checks).toBe(1);
    state.fail = true;
    clock.advance(UPDATE_CHECK_INTERVAL_MS - 1);
    expect(state.checks).toBe(1);
    clock.advance(1);
    expect(state.checks).toBe(2);
    await Promise.resolve();
    clock.advance(UPDATE_CHECK_INTERVAL_MS);
    expect(state.checks).toBe(3);
    controller.dispose();
    expect(clock.pending).toBe(0);
  });

  it('policy off: never checks', () => {
    const { clock, state, controller } = rig({ enabled: false });
    controller.start();
    clock.advance(3 * UPDATE_CHECK_INTERVAL_MS);
    expect(state.checks).toBe(0);
    expect(controller.enabled).toBe(false);
  });

  it('a downloaded update is told once and offered as "Restart to update to X"', () => {
    const { controller, notices, state, download } = rig();
    controller.start();
    expect(controller.readyVersion).toBeNull();
    expect(controller.requestRestart()).toBe('nothing-to-install');
    download('0.2.0');
    download('0.2.0');
    expect(controller.readyVersion).toBe('0.2.0');
    expect(restartLabel('0.2.0')).toBe('Restart to update to 0.2.0');
    expect(notices).toEqual(['Update ready: Restart to update to 0.2.0: choose it in the Intake tray menu.']);
    expect(state.changes).toBe(1);
    expect(controller.requestRestart()).toBe('restarting');
    expect(state.installs).toBe(1);
  });

  it('never restarts while an upload is in flight: waits until the queue is idle, and says so', () => {
    const { controller, notices, state, download } = rig({ inFlight: true });
    controller.start();
    download('0.2.0');
    expect(controller.requestRestart()).toBe('after-uploads');
    expect(state.installs).toBe(0);
    expect(notices.at(-1)).toBe('Update waits for the uploads: Intake restarts to update to 0.2.0 when the uploads in progress are done.');
    controller.queueChanged();
    expect(state.installs).toBe(0);
    state.inFlight = false;
    controller.queueChanged();
    expect(state.installs).toBe(1);
    controller.queueChanged();
    expect(state.installs).toBe(1);
  });

  it('a downloaded update is never installed unasked: the queue going idle restarts nothing until the user chooses it', () => {
    const { controller, state, download } = rig({ inFlight: true });
    controller.start();
    download('0.2.0');
    state.inFlight = false;
    controller.queueChanged();
    expect(state.installs).toBe(0);
    expect(controller.readyVersion).toBe('0.2.0');
  });

  it('a newer update downloaded while one waits replaces it, and the user is told of the newer one', () => {
    const { controller, notices, state, download } = rig();
    controller.start();
    download('0.2.0');
    download('0.2.1');
    expect(controller.readyVersion).toBe('0.2.1');
    expect(notices).toEqual([
      'Update ready: Restart to update to 0.2.0: choose it in the Intake tray menu.',
      'Update ready: Restart to update to 0.2.1: choose it in the Intake tray menu.',
    ]);
    expect(state.changes).toBe(2);
  });

  it('uploads in flight = a job queued or uploading; tracked and finished jobs do not hold a restart', () => {
    expect(uploadsInFlight([{ stage: 'tracking' }, { stage: 'completed' }, { stage: 'failed' }])).toBe(false);
    expect(uploadsInFlight([{ stage: 'tracking' }, { stage: 'queued' }])).toBe(true);
    expect(uploadsInFlight([{ stage: 'uploading' }])).toBe(true);
  });
});
