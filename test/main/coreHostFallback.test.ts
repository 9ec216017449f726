/**
 * When the core's own process cannot start (the fork throws, or the process
 * ends before it answers), Intake still runs: the engine runs in main's
 * process, and the log says why. Nothing is left half-open.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IntakeEngine } from '../../src/core/engine/IntakeEngine';
import { toDisposable } from '../../src/core/base/lifecycle';
import type { MessageEndpoint } from '../../src/core/host/rpcPeer';
import { resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

afterEach(() => resetFakeElectron());

/** A core process that exits as soon as it is asked anything. */
function exitingHost(): MessageEndpoint & { closed: number } {
  let onClose: ((reason: string) => void) | null = null;
  const endpoint = {
    closed: 0,
    post: () => queueMicrotask(() => onClose?.('the core process exited with code 1')),
    onMessage: () => toDisposable(() => undefined),
    onClose: (listener: (reason: string) => void) => ((onClose = listener), toDisposable(() => (onClose = null))),
    close: () => void endpoint.closed++,
  };
  return endpoint;
}

describe('the core process cannot start', () => {
  it('the fork throws: the engine runs in main, and the log names the cause', async () => {
    resetFakeElectron();
    const shell = await bootShell({ realCore: true, coreHost: { open: () => { throw new Error('spawn EACCES'); }, queueDir: '/nowhere' } });
    expect(shell.running.engine).toBeInstanceOf(IntakeEngine);
    expect(shell.logger.lines.join('\n')).toMatch(/core process could not start.*spawn EACCES/);
  });

  it('the process ends before answering: the engine runs in main, and the channel is closed', async () => {
    resetFakeElectron();
    const host = exitingHost();
    const shell = await bootShell({ realCore: true, coreHost: { open: () => host, queueDir: '/nowhere' } });
    expect(shell.running.engine).toBeInstanceOf(IntakeEngine);
    expect(host.closed).toBe(1);
    expect(shell.logger.lines.join('\n')).toMatch(/core process could not start.*not running/);
  });
});
