/**
 * What the chaos suites of every dialect share (chaos.test.ts for intake,
 * socketIoChaos.test.ts for the Socket.IO dialects): an engine whose log,
 * updates and states are recorded, the faults every dialect suffers (drop,
 * server restart, silence), a seeded schedule of faults with upload waves in
 * between, and the last fault: the socket gone for good, polling finishes.
 */
import type { ConnectionManager } from '../../../src/core/connection/ConnectionManager';
import type { Logger } from '../../../src/core/base/logger';
import { isFinal, type ServerJobState } from '../../../src/shared/jobState';
import type { ServerProcess } from '../../support/referenceServer';
import type { WsRelay } from '../../support/wsRelay';
import type { CreatedJob } from './uploadJobs';
import { waitUntil } from './waitUntil';

export type Fault = () => Promise<void>;

/** A logger that keeps every line, so a test can check operators' logs hold no chart number. */
export function capturedLog(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const log = (message: string, fields?: Record<string, unknown>): void => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, logger: { debug: log, info: log, warn: log, error: log } };
}

/** Every update the engine emits per job, how often each (by `key`) was applied, and every state it went through. */
export function recordEngine(m: ConnectionManager, key: (job: ServerJobState) => string) {
  const emissions = new Map<string, ServerJobState[]>();
  const applications = new Map<string, number>();
  const reasons: string[] = [];
  m.onJob((job) => {
    emissions.set(job.jobId, [...(emissions.get(job.jobId) ?? []), job]);
    applications.set(key(job), (applications.get(key(job)) ?? 0) + 1);
  });
  m.onState((state) => reasons.push(`${state.state}: ${state.reason}`));
  return { emissions, applications, reasons, appliedOnce: () => [...applications.values()].every((count) => count === 1) };
}

/** The faults every dialect suffers; each returns once the engine is connected again. */
export function commonFaults(m: ConnectionManager, relay: WsRelay, proc: ServerProcess) {
  const reconnected = async (after: number, what: string): Promise<void> =>
    waitUntil(() => relay.stats.connections > after && m.state.state === 'connected', what, 30_000);
  const withReconnect =
    (act: () => void | Promise<void>, what: string): Fault =>
    async () => {
      const before = relay.stats.connections;
      await act();
      await reconnected(before, what);
    };
  return {
    reconnected,
    withReconnect,
    faults: {
      drop: withReconnect(() => relay.dropAll(), 'reconnect after a drop'),
      restart: withReconnect(() => proc.restart(), 'reconnect after a server restart'),
      silence: withReconnect(() => relay.silenceAll(), 'reconnect after silence (watchdog or heartbeat)'),
    } satisfies Record<string, Fault>,
  };
}

/** A pause of 300–1,000 ms drawn from the seeded random, so work is in flight when the next fault hits. */
export const chaosPause = (random: () => number) => (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(random() * 700)));

/** The faults of `order` in a seeded shuffle, each after a pause and followed by an upload wave. */
export async function runFaults(o: { m: ConnectionManager; random: () => number; order: string[]; faults: Record<string, Fault>; afterEach: () => Promise<void> }): Promise<void> {
  const order = [...o.order];
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(o.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  await waitUntil(() => o.m.state.state === 'connected', 'first connection');
  const pause = chaosPause(o.random);
  for (const fault of order) {
    await pause();
    await o.faults[fault]!();
    await o.afterEach();
  }
}

/** Last fault: the socket endpoint goes away for good; polling must finish the work. How many jobs were open when it went. */
export async function finishByPolling(m: ConnectionManager, relay: WsRelay, jobs: CreatedJob[]): Promise<number> {
  const openBeforePolling = jobs.filter((j) => !isFinal(m.job(j.jobId)!)).length;
  relay.setRefuseUpgrades(404);
  relay.dropAll();
  await waitUntil(() => m.state.state === 'polling', 'polling once the endpoint is gone', 30_000);
  await waitUntil(() => jobs.every((j) => isFinal(m.job(j.jobId)!)), 'every job final', 90_000);
  return openBeforePolling;
}
