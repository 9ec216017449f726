// @vitest-environment happy-dom
/**
 * The header's connection indicator in every state, with the reconnect countdown on fake time;
 * screen readers hear the news (offline, back, refused), never the countdown.
 */
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
  const status = () => view.container.querySelector<HTMLElement>('.connection-status')!;
  const news = () => screen.getByRole('status').textContent;
  return { ...view, status, news, onOpenSettings, root: view.container.querySelector('[data-testid=connection]')! };
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

  it.each([
    ['dns', 'Reconnecting in 2 s (DNS: server name not found)'],
    ['proxy', 'Reconnecting in 2 s (proxy refused or not reachable)'],
    ['proxy_auth', 'Reconnecting in 2 s (proxy wants credentials)'],
    ['tls', 'Reconnecting in 2 s (TLS: certificate problem)'],
    ['upgrade', 'Reconnecting in 2 s (WebSocket refused)'],
  ] as const)('a socket that failed at step %s says so in the label', async (step, text) => {
    vi.useFakeTimers({ now: 5_000 });
    const reason = `WebSocket: the full sentence for ${step}`;
    const { status, root } = renderIndicator({ state: 'reconnecting', reason, nextTryAt: 7_000, attempt: 1, problem: { step, message: 'why' } });
    await act(async () => vi.advanceTimersByTime(10));
    expect(status().textContent).toBe(text);
    expect(status().getAttribute('title')).toBe(reason);
    expect(root.getAttribute('data-step')).toBe(step);
  });

  it('polling because the WebSocket was refused (a proxy blocking upgrades) says why', async () => {
    vi.useFakeTimers({ now: 5_000 });
    const { status } = renderIndicator({ state: 'polling', reason: 'WebSocket: The proxy … refused', nextTryAt: 7_000, attempt: 1, problem: { step: 'upgrade', message: 'The proxy … refused' } });
    await act(async () => vi.advanceTimersByTime(10));
    expect(status().textContent).toBe('Offline (WebSocket refused) — polling for updates · reconnecting in 2 s');
  });

  it('announces going offline, coming back and a refused sign-in once each — not the start, not the countdown', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const offline: ConnectionState = { state: 'reconnecting', reason: 'socket closed', nextTryAt: 1_000_000 + 9_000, attempt: 1 };
    const view = renderIndicator({ state: 'connecting', reason: 'starting' });
    const show = (connection: ConnectionState) => view.rerender(<ConnectionIndicator connection={connection} demoServer={false} onOpenSettings={view.onOpenSettings} />);
    show({ state: 'connected', reason: 'socket open' });
    expect(view.news()).toBe('');
    expect(view.status().getAttribute('role')).toBeNull(); // the pill, with its countdown, is not a live region
    show(offline);
    const lost = view.news();
    expect(lost).toMatch(/^Connection to the server lost\./);
    await act(async () => vi.advanceTimersByTime(5_000));
    show({ ...offline, state: 'polling' });
    show({ state: 'connecting', reason: 'retrying' });
    expect(view.status().textContent).toBe('Connecting…');
    expect(view.news()).toBe(lost);
    show({ state: 'connected', reason: 'socket open' });
    expect(view.news()).toBe('Connected to the server again.');
    show({ state: 'auth_failed', reason: '401' });
    expect(view.news()).toBe('The server refused the sign-in. Check the token in settings.');
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
