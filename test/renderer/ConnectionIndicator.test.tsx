// @vitest-environment happy-dom
/** The header's connection indicator in every state, with the reconnect countdown on fake time. */
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionIndicator } from '../../src/renderer/components/ConnectionIndicator';
import type { ConnectionState } from '../../src/shared/connectionState';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function renderIndicator(connection: ConnectionState, demoServer = false) {
  const onOpenSettings = vi.fn();
  const view = render(<ConnectionIndicator connection={connection} demoServer={demoServer} onOpenSettings={onOpenSettings} />);
  const status = () => screen.getByRole('status');
  return { ...view, status, onOpenSettings, root: view.container.querySelector('[data-testid=connection]')! };
}

describe('ConnectionIndicator', () => {
  it.each([
    [{ state: 'connecting', reason: 'starting' }, 'Connecting…', 'tone-pending'],
    [{ state: 'connected', reason: 'subscribed' }, 'Connected', 'tone-ok'],
    [{ state: 'auth_failed', reason: 'upgrade refused: 401' }, 'Sign-in refused by the server', 'tone-error'],
    [{ state: 'stopped', reason: 'app closing' }, 'Stopped', 'tone-idle'],
  ] as [ConnectionState, string, string][])('%o reads "%s"', (connection, text, tone) => {
    const { status, root } = renderIndicator(connection);
    expect(status().textContent).toBe(text);
    expect(status().className).toContain(tone);
    expect(status().getAttribute('title')).toBe(connection.reason); // the reason, for support calls
    expect(root.getAttribute('data-state')).toBe(connection.state);
  });

  it('counts down to the next reconnect try', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { status } = renderIndicator({ state: 'reconnecting', reason: 'socket closed', nextTryAt: 1_000_000 + 4_200, attempt: 2 });
    await act(async () => vi.advanceTimersByTime(10));
    expect(status().textContent).toBe('Reconnecting in 5 s');
    await act(async () => vi.advanceTimersByTime(1_500));
    expect(status().textContent).toBe('Reconnecting in 3 s');
    await act(async () => vi.advanceTimersByTime(3_000));
    expect(status().textContent).toBe('Reconnecting…');
  });

  it('offline with REST polling says so, with the countdown', async () => {
    vi.useFakeTimers({ now: 5_000 });
    const { status } = renderIndicator({ state: 'polling', reason: 'socket down, jobs open', nextTryAt: 7_000, attempt: 1 });
    await act(async () => vi.advanceTimersByTime(10));
    expect(status().textContent).toBe('Offline — polling for updates · reconnecting in 2 s');
    expect(status().className).toContain('tone-warning');
  });

  it('auth failure offers the way to settings', () => {
    const { onOpenSettings } = renderIndicator({ state: 'auth_failed', reason: '403' });
    screen.getByRole('button', { name: 'Check token in settings' }).click();
    expect(onOpenSettings).toHaveBeenCalledOnce();
  });

  it('shows the demo-server badge only for the demo server', () => {
    renderIndicator({ state: 'connected', reason: '' }, true);
    expect(screen.getByText('Demo server')).toBeTruthy();
    cleanup();
    renderIndicator({ state: 'connected', reason: '' }, false);
    expect(screen.queryByText('Demo server')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
