/**
 * New jobs on their way into the queue: validated a few at a time, then made
 * durable in groups.
 *
 * A few at a time, because one validation is several fs calls: 10,000 started
 * at once flood the event loop with their completions and block it for
 * hundreds of milliseconds. In groups, because every write holds the whole
 * queue: one write per job of a burst would cost bytes growing with the square
 * of its size. A group is written when nothing else is being validated, or
 * once it is as large as everything already booked (so the writes of a burst
 * double in size, and their total stays linear), or when validations stop
 * making progress (a stuck network share must not hold back a job that is
 * ready), or when it has waited long enough.
 */
import type { Clock } from '../clock';
import { TimerGroup } from '../base/timerGroup';

/** Validations running at once, over every caller. */
export const PARALLEL_VALIDATIONS = 16;
/** Smallest group written while other validations are still running. */
export const MIN_GROUP = 64;
/** A group waits at most this long after the last validation verdict... */
export const STALL_MS = 50;
/** ...and at most this long in all, even while a steady stream of checks keeps finishing. */
export const MAX_GROUP_WAIT_MS = 500;
/**
 * Jobs whose enqueue is answered per turn of the event loop once their write is done: each answer runs the
 * caller's continuation (publish, events), and 4,096 of them at once block the loop for tens of ms.
 */
export const JOBS_ANSWERED_PER_TURN = 256;
// Taken at load: a test that fakes timers afterwards must not be able to hold answers back for ever.
const nextTurn = globalThis.setImmediate;

export interface JobIntakeOptions {
  clock: Clock;
  /** Starts a write of the queue, including every booked job; resolves once it is on disk. */
  save: () => Promise<void>;
  /** Jobs in the book right now (on disk, being written, or waiting in the open group). */
  booked: () => number;
}

export type Verdict<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Task {
  input: unknown;
  validate: (input: unknown) => Promise<unknown>;
  settle: (verdict: Verdict<unknown>) => void;
}

interface Waiter {
  jobs: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Group {
  size: number;
  openedAt: number;
  waiters: Waiter[];
}

export class JobIntake {
  /** Inputs waiting for a worker, FIFO; `head` avoids O(n) shifts on a 10,000-long line. */
  private tasks: Array<Task | undefined> = [];
  private head = 0;
  private workers = 0;
  /** Inputs from arrival to verdict (waiting or running). */
  private validating = 0;
  private lastVerdictAt = 0;
  private group: Group | null = null;
  private readonly timers: TimerGroup;

  constructor(private readonly options: JobIntakeOptions) {
    this.timers = new TimerGroup(options.clock);
  }

  /**
   * Validates every input (PARALLEL_VALIDATIONS at a time, shared with other callers); verdicts in input order.
   * The inputs are only put in line here, synchronously: a caller firing 10,000 enqueues in a loop pays a
   * push each, and the checks run later, a few at a time, instead of all starting in one microtask burst.
   */
  validateAll<T>(inputs: readonly unknown[], validate: (input: unknown) => Promise<T>): Promise<Verdict<T>[]> {
    this.validating += inputs.length;
    const verdicts = inputs.map((input) => new Promise<Verdict<T>>((settle) => this.tasks.push({ input, validate, settle: settle as Task['settle'] })));
    while (this.workers < PARALLEL_VALIDATIONS && this.head < this.tasks.length) {
      this.workers += 1;
      void this.work();
    }
    return Promise.all(verdicts);
  }

  /** Joins the open group with `count` jobs already booked; resolves when a write holding them has finished. */
  commit(count: number): Promise<void> {
    const group = (this.group ??= { size: 0, openedAt: this.options.clock.monotonic(), waiters: [] });
    group.size += count;
    const done = new Promise<void>((resolve, reject) => group.waiters.push({ jobs: count, resolve, reject }));
    this.writeIfReady();
    return done;
  }

  /** Writes the open group now (the queue is closing). */
  flush(): void {
    if (this.group !== null) this.write();
  }

  private async work(): Promise<void> {
    for (let task = this.next(); task !== undefined; task = this.next()) {
      let verdict: Verdict<unknown>;
      try {
        verdict = { ok: true, value: await task.validate(task.input) };
      } catch (error) {
        verdict = { ok: false, error };
      }
      this.validating -= 1;
      this.lastVerdictAt = this.options.clock.monotonic();
      task.settle(verdict);
      // An accepted input commits next and checks then; checking now would write the group without it.
      if (!verdict.ok) this.writeIfReady();
    }
    this.workers -= 1;
  }

  private next(): Task | undefined {
    const task = this.tasks[this.head];
    if (task === undefined) return undefined;
    this.tasks[this.head] = undefined; // let the input go
    this.head += 1;
    if (this.head === this.tasks.length) {
      this.tasks = [];
      this.head = 0;
    }
    return task;
  }

  private writeIfReady(): void {
    const group = this.group;
    if (group === null) return;
    const before = this.options.booked() - group.size;
    if (this.validating === 0 || group.size >= Math.max(MIN_GROUP, before)) this.write();
    else this.timers.ensure('stall', STALL_MS, () => this.onStallTimer());
  }

  private onStallTimer(): void {
    if (this.group === null) return;
    const now = this.options.clock.monotonic();
    const quietFor = now - this.lastVerdictAt;
    const waitedFor = now - this.group.openedAt;
    if (quietFor >= STALL_MS || waitedFor >= MAX_GROUP_WAIT_MS) this.write();
    else this.timers.set('stall', Math.min(STALL_MS - quietFor, MAX_GROUP_WAIT_MS - waitedFor), () => this.onStallTimer());
  }

  private write(): void {
    const group = this.group;
    if (group === null) return;
    this.group = null;
    this.timers.clear('stall');
    let saving: Promise<void>;
    try {
      saving = this.options.save();
    } catch (error) {
      saving = Promise.reject(error); // a store that throws instead of rejecting still answers every waiter
    }
    saving.then(
      () => answer(group.waiters, (waiter) => waiter.resolve()),
      (error: unknown) => answer(group.waiters, (waiter) => waiter.reject(error)),
    );
  }
}

/** Answers the waiters in order, about JOBS_ANSWERED_PER_TURN jobs per turn of the event loop. */
function answer(waiters: readonly Waiter[], settle: (waiter: Waiter) => void, from = 0): void {
  let index = from;
  for (let jobs = 0; index < waiters.length && jobs < JOBS_ANSWERED_PER_TURN; index += 1) {
    jobs += waiters[index]!.jobs;
    settle(waiters[index]!);
  }
  if (index < waiters.length) nextTurn(() => answer(waiters, settle, index));
}
