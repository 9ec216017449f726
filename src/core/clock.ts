/**
 * Time as the core sees it. Everything time-based in core takes a Clock, so
 * tests drive it with fake time (vi.useFakeTimers or a hand-made fake) and
 * production passes `systemClock`.
 */
export type TimerHandle = { readonly __timer: unique symbol } | number | object;

export interface Clock {
  /** Epoch milliseconds (wall clock: shown to users, compared with server times). */
  now(): number;
  /** Monotonic milliseconds, for durations and rates. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
