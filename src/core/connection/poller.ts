/**
 * The REST fallback while the socket is down: reads §2 for the charts of open
 * jobs, each chart at most every `pollIntervalMs` (plus jitter), all charts
 * together at most `pollMaxRequestsPerSecond`. Jobs of one chart share one
 * request, because the §2 body lists every job of the chart.
 * Stopping aborts what is in flight: zero HTTP while the socket is healthy.
 */
import type { Clock } from '../clock';
import { TimerGroup } from '../base/timerGroup';

export interface PollerOptions {
  clock: Clock;
  random: () => number;
  intervalMs: number;
  maxRequestsPerSecond: number;
  /** Charts that currently have open jobs to follow. */
  charts(): Iterable<string>;
  /** Reads one chart and applies what it finds; must not throw. */
  read(chartNumber: string, signal: AbortSignal): Promise<void>;
}

/** Per-chart jitter: up to this fraction of the interval is added, so charts do not fall in step. */
const INTERVAL_JITTER = 0.2;
/** Spacing jitter: up to this fraction of the minimum spacing is added between two requests. */
const SPACING_JITTER = 0.25;

export class Poller {
  private readonly timers: TimerGroup;
  private readonly nextDueAt = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private nextRequestAt = Number.NEGATIVE_INFINITY;
  private controller: AbortController | null = null;

  constructor(private readonly options: PollerOptions) {
    this.timers = new TimerGroup(options.clock);
  }

  get running(): boolean {
    return this.controller !== null;
  }

  start(): void {
    if (this.controller) return;
    this.controller = new AbortController();
    this.schedule(0);
  }

  stop(): void {
    if (!this.controller) return;
    this.controller.abort();
    this.controller = null;
    this.timers.clearAll();
    this.inFlight.clear();
  }

  /** A chart was added (or became due): look again now instead of at the next planned tick. */
  kick(): void {
    if (this.controller) this.schedule(0);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  private get spacingMs(): number {
    return 1000 / this.options.maxRequestsPerSecond;
  }

  private schedule(ms: number): void {
    this.timers.set('tick', ms, () => this.tick());
  }

  private tick(): void {
    const controller = this.controller;
    if (!controller) return;
    const now = this.options.clock.monotonic();
    const open = new Set(this.options.charts());
    for (const chart of this.nextDueAt.keys()) if (!open.has(chart)) this.nextDueAt.delete(chart);

    let best: string | null = null;
    let bestDue = Number.POSITIVE_INFINITY;
    for (const chart of open) {
      if (this.inFlight.has(chart)) continue;
      const due = this.nextDueAt.get(chart) ?? Number.NEGATIVE_INFINITY;
      if (due < bestDue) {
        best = chart;
        bestDue = due;
      }
    }
    // Nothing to read now (no chart open, or every open chart in flight): a finishing request or kick() looks again.
    if (best === null) return;
    const startAt = Math.max(bestDue, this.nextRequestAt);
    if (startAt > now) {
      this.schedule(Math.ceil(startAt - now));
      return;
    }

    const chart = best;
    this.inFlight.add(chart);
    // Whole milliseconds: fractional due times can make a timer fire a hair early and spin.
    this.nextDueAt.set(chart, Math.ceil(now + this.options.intervalMs * (1 + INTERVAL_JITTER * this.options.random())));
    this.nextRequestAt = Math.ceil(now + this.spacingMs * (1 + SPACING_JITTER * this.options.random()));
    // Planned before the read starts: a read that stops the poller at once must not leave this timer behind.
    this.schedule(this.nextRequestAt - now);
    void this.options.read(chart, controller.signal).finally(() => {
      if (this.controller !== controller) return;
      this.inFlight.delete(chart);
      // Look again now, not at the planned tick: a read that outlasted the interval leaves its chart due already.
      // The due time counts from when the request started, so this never reads a chart sooner than the interval.
      this.schedule(0);
    });
  }
}
