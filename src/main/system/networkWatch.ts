/**
 * OS resume and "network back" → ConnectionManager.nudge(), so a socket that
 * died during sleep is noticed in seconds, not after the 45 s watchdog.
 * Electron has no online/offline event in main, so net.isOnline() is polled
 * and only a false → true change nudges.
 */
import type { Net, PowerMonitor } from 'electron';
import type { Clock } from '../../core/clock';
import { toDisposable, type Disposable } from '../../core/base/lifecycle';
import { TimerGroup } from '../../core/base/timerGroup';

export const ONLINE_POLL_MS = 3_000;

export interface NetworkWatchOptions {
  powerMonitor: Pick<PowerMonitor, 'on' | 'removeListener'>;
  net: Pick<Net, 'isOnline'>;
  clock: Clock;
  nudge: () => void;
  pollMs?: number;
}

export function watchNetwork(options: NetworkWatchOptions): Disposable {
  const pollMs = options.pollMs ?? ONLINE_POLL_MS;
  let online = options.net.isOnline();
  const timers = new TimerGroup(options.clock);
  const onResume = () => options.nudge();
  const poll = () => {
    const now = options.net.isOnline();
    if (now && !online) options.nudge();
    online = now;
    timers.set('poll', pollMs, poll);
  };
  options.powerMonitor.on('resume', onResume);
  options.powerMonitor.on('unlock-screen', onResume);
  timers.set('poll', pollMs, poll);
  return toDisposable(() => {
    timers.dispose();
    options.powerMonitor.removeListener('resume', onResume);
    options.powerMonitor.removeListener('unlock-screen', onResume);
  });
}
