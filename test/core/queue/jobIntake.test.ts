/**
 * JobIntake alone, with a hand-driven clock: how many validations run at once,
 * and when a group of accepted jobs is written.
 */
import { describe, expect, it } from 'vitest';
import { JOBS_ANSWERED_PER_TURN, JobIntake, MAX_GROUP_WAIT_MS, MIN_GROUP, PARALLEL_VALIDATIONS, STALL_MS } from '../../../src/core/queue/jobIntake';
import { FakeClock } from '../../support/fakeClock';

const flushMicrotasks = async (): Promise<void> => {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
};

/** Validations the test settles by hand. */
function handValidations() {
  const open = new Map<string, { resolve: (value: string) => void; reject: (error: Error) => void }>();
  let running = 0;
  let maxRunning = 0;
  return {
    open,
    get maxRunning() {
      return maxRunning;
    },
    validate: (input: unknown): Promise<string> => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      return new Promise<string>((resolve, reject) => open.set(String(input), { resolve, reject })).finally(() => (running -= 1));
    },
    settle(input: string, ok = true) {
      const pending = open.get(input);
      open.delete(input);
      if (ok) pending?.resolve(`valid ${input}`);
      else pending?.reject(new Error(`bad ${input}`));
    },
  };
}

function intakeWithCounter(clock: FakeClock) {
  let booked = 0;
  const saves: number[] = [];
  const intake = new JobIntake({
    clock,
    save: async () => void saves.push(booked),
    booked: () => booked,
  });
  return { intake, saves, book: (n: number) => (booked += n) };
}

describe('JobIntake', () => {
  it(`runs at most ${PARALLEL_VALIDATIONS} validations at once over every caller, and gives verdicts in input order`, async () => {
    const clock = new FakeClock();
    const { intake } = intakeWithCounter(clock);
    const hand = handValidations();
    const inputs = Array.from({ length: 40 }, (_, i) => `a${i}`);
    const first = intake.validateAll(inputs.slice(0, 30), hand.validate);
    const second = intake.validateAll(inputs.slice(30), hand.validate);
    await flushMicrotasks();
    expect(hand.open.size).toBe(PARALLEL_VALIDATIONS);
    // Settle in reverse order of arrival, a few at a time; the line moves on, never above the cap.
    while (hand.open.size > 0) {
      for (const input of [...hand.open.keys()].reverse().slice(0, 3)) hand.settle(input, input !== 'a7');
      await flushMicrotasks();
    }
    expect(hand.maxRunning).toBe(PARALLEL_VALIDATIONS);
    const verdicts = [...(await first), ...(await second)];
    expect(verdicts.map((v) => (v.ok ? v.value : String(v.error)))).toEqual(
      inputs.map((input) => (input === 'a7' ? 'Error: bad a7' : `valid ${input}`)),
    );
  });

  it('writes a lone job at once, but holds a group while others are still being validated, until it is big enough', async () => {
    const clock = new FakeClock();
    const { intake, saves, book } = intakeWithCounter(clock);
    const hand = handValidations();

    // Nothing else in flight: written at once.
    const lone = intake.validateAll(['x'], hand.validate);
    await flushMicrotasks();
    hand.settle('x');
    await lone;
    book(1);
    await intake.commit(1);
    expect(saves).toEqual([1]);

    // A burst: jobs are written only once the group reaches MIN_GROUP (or everything was judged).
    const burst = Array.from({ length: MIN_GROUP + 10 }, (_, i) => `b${i}`);
    const done = burst.map((input) =>
      intake.validateAll([input], hand.validate).then(async ([verdict]) => {
        if (!verdict?.ok) return;
        book(1);
        await intake.commit(1);
      }),
    );
    for (let settled = 0; settled < MIN_GROUP - 1; settled += 1) {
      await flushMicrotasks();
      hand.settle([...hand.open.keys()][0]!);
    }
    await flushMicrotasks();
    expect(saves).toEqual([1]); // MIN_GROUP - 1 jobs wait
    hand.settle([...hand.open.keys()][0]!);
    await flushMicrotasks();
    expect(saves).toEqual([1, 1 + MIN_GROUP]);
    // The rest: the last verdict (a refusal) leaves nothing to wait for, so the group is written.
    while (hand.open.size > 1) {
      hand.settle([...hand.open.keys()][0]!);
      await flushMicrotasks();
    }
    expect(saves).toHaveLength(2);
    hand.settle([...hand.open.keys()][0]!, false);
    await Promise.all(done);
    expect(saves).toEqual([1, 1 + MIN_GROUP, MIN_GROUP + 10]);
    expect(clock.pending).toBe(0);
  });

  it(`a stuck validation holds a ready job back for ${STALL_MS} ms at most, and only while nothing progresses`, async () => {
    const clock = new FakeClock();
    const { intake, saves, book } = intakeWithCounter(clock);
    const hand = handValidations();
    const stuck = intake.validateAll(['stuck'], hand.validate);
    const ready = intake.validateAll(['ready', 'other'], hand.validate);
    await flushMicrotasks();
    hand.settle('ready');
    await flushMicrotasks();
    book(1);
    let written = false;
    void intake.commit(1).then(() => (written = true));
    clock.advance(STALL_MS - 10);
    hand.settle('other'); // progress: the wait starts again from here
    await flushMicrotasks();
    clock.advance(STALL_MS - 1);
    await flushMicrotasks();
    expect(saves).toEqual([]);
    clock.advance(1);
    await flushMicrotasks();
    expect(saves).toEqual([1]);
    expect(written).toBe(true);
    expect(clock.pending).toBe(0);
    hand.settle('stuck', false);
    await Promise.all([stuck, ready]);
  });

  it(`a steady stream of checks holds a ready job back for ${MAX_GROUP_WAIT_MS} ms at most`, async () => {
    const clock = new FakeClock();
    const { intake, saves, book } = intakeWithCounter(clock);
    const hand = handValidations();
    const stream = Array.from({ length: 40 }, (_, i) => `s${i}`);
    const ready = intake.validateAll(['ready'], hand.validate);
    const streaming = intake.validateAll(stream, hand.validate);
    book(1000); // a long history: the size rule alone would wait for 1,000 new jobs
    await flushMicrotasks();
    hand.settle('s0', false);
    await flushMicrotasks();
    hand.settle('ready');
    await ready;
    book(1);
    let written = false;
    void intake.commit(1).then(() => (written = true));
    // A verdict every STALL_MS - 10 ms: never quiet long enough for the stall rule.
    let elapsed = 0;
    for (let i = 1; elapsed + STALL_MS - 10 < MAX_GROUP_WAIT_MS; i += 1) {
      clock.advance(STALL_MS - 10);
      elapsed += STALL_MS - 10;
      hand.settle(`s${i}`, false);
      await flushMicrotasks();
      expect(saves).toEqual([]);
    }
    clock.advance(MAX_GROUP_WAIT_MS - elapsed);
    await flushMicrotasks();
    expect(saves).toEqual([1001]);
    expect(written).toBe(true);
    expect(clock.pending).toBe(0);
    while (hand.open.size > 0) {
      for (const input of [...hand.open.keys()]) hand.settle(input, false);
      await flushMicrotasks();
    }
    await streaming;
  });

  it(`after a big write, answers about ${JOBS_ANSWERED_PER_TURN} jobs per turn of the event loop, in order`, async () => {
    const clock = new FakeClock();
    const { intake, saves, book } = intakeWithCounter(clock);
    const hand = handValidations();
    const stuck = intake.validateAll(['stuck'], hand.validate); // keeps the group open while it fills
    book(100_000); // a long history: the size rule does not write the group early either
    const answered: number[] = [];
    const waiting = Array.from({ length: 3 * JOBS_ANSWERED_PER_TURN }, (_, i) => {
      book(1);
      return intake.commit(1).then(() => void answered.push(i));
    });
    intake.flush();
    await flushMicrotasks();
    expect(saves).toEqual([100_000 + 3 * JOBS_ANSWERED_PER_TURN]);
    expect(answered).toHaveLength(JOBS_ANSWERED_PER_TURN);
    await new Promise((resolve) => setImmediate(resolve));
    await flushMicrotasks();
    expect(answered).toHaveLength(2 * JOBS_ANSWERED_PER_TURN);
    await Promise.all(waiting);
    expect(answered).toEqual(Array.from({ length: 3 * JOBS_ANSWERED_PER_TURN }, (_, i) => i));
    hand.settle('stuck', false);
    await stuck;
  });

  it('flush writes the open group at once (the queue is closing)', async () => {
    const clock = new FakeClock();
    const { intake, saves, book } = intakeWithCounter(clock);
    const hand = handValidations();
    const stuck = intake.validateAll(['stuck'], hand.validate);
    book(2);
    const committed = intake.commit(2);
    await flushMicrotasks();
    expect(saves).toEqual([]);
    intake.flush();
    await committed;
    expect(saves).toEqual([2]);
    expect(clock.pending).toBe(0);
    hand.settle('stuck', false);
    await stuck;
  });
});
