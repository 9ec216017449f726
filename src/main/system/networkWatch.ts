/**
 * OS resume and "network back" → ConnectionManager.nudge(), so a socket that
 * died during sleep is noticed in seconds, not after the 45 s watchdog.
 * Electron has no online/offline event in main, so net.isOnline() is polled
 * and only a false → true change nudges.
 */
import type { Net, PowerMonitor } from 'electron';
import type { Clock, TimerHandle } from '../../core/clock';

export const ONLINE_POLL_MS = 3_000;

export interface NetworkWatchOptions {
  powerMonitor: Pick<PowerMonitor, 'on' | 'removeListener'>;
  net: Pick<Net, 'isOnline'>;
  clock: Clock;
  nudge: () => void;
  pollMs?: number;
}

export function watchNetwork(options: NetworkWatchOptions): () => void {
  const pollMs = options.pollMs ?? ONLINE_POLL_MS;
  let online = options.net.isOnline();
  let timer: TimerHandle | null = null;
  let stopped = false;
  const onResume = () => options.nudge();
  const poll = () => {
    if (stopped) return;
    const now = options.net.isOnline();
    if (now && !online) options.nudge();
    online = now;
    timer = options.clock.setTimeout(poll, pollMs);
  };
  options.powerMonitor.on('resume', onResume);
  options.powerMonitor.on('unlock-screen', onResume);
  timer = options.clock.setTimeout(poll, pollMs);
  return () => {
    stopped = true;
    if (timer !== null) options.clock.clearTimeout(timer);
    options.powerMonitor.removeListener('resume', onResume);
    options.powerMonitor.removeListener('unlock-screen', onResume);
  };
}
