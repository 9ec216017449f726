/**
 * Figure 1 — status fan-out latency: the reference server (child process)
 * emits updates for 1, 100 and 1,000 open jobs at 1,000 and 10,000 updates/s;
 * we measure server socket write → core state change (ConnectionManager.onJob)
 * and, on the very same stream, socket write → frame parsed by a bare ws
 * client (the floor). "Emit" is the server's write of the frame to that
 * client's socket: the reference server persists its job file before it
 * publishes, and that server-side delay (emitStatus() → write) is reported in
 * its own row so it is neither hidden nor blamed on the client.
 * The two clients run one after the other, each alone in this process, so
 * neither steals the other's event loop; in a full run each gets two windows
 * in A-B-B-A order and its samples are pooled, so a trend in the machine's
 * load (or the server falling behind) does not favour whoever goes first.
 * Before the first scenario each client streams one window that is not
 * judged: V8 compiles a client's code while it first runs, and Intake has far
 * more code to compile than a bare client, so without it the first scenario
 * alone measured the compiler (on 2026-12-03, the first scenario run twice in
 * one process: p99 1.71 ms and 123 µs per update the first time, 0.53 ms and
 * 51 µs the second). That window's p99 and CPU are reported as context rows.
 */
import type { BenchContext, Figure, FigureEntry } from '../figure';
import { contextRow, ratioOf } from '../figure';
import { round, summarize, type Summary } from '../stats';
import { seedJobs, type SeededJob } from '../support/seedJobs';
import { startServerProcess, type ServerProcess } from '../support/serverProcess';
import { bareSocketIoReceiver, bareWsReceiver, intakeReceiver, type StreamReceiver } from '../support/statusReceivers';
import { SOCKETIO_EVENTS, type SocketIoDialect } from '../../src/shared/dialect';
import { sleep } from '../support/waitFor';

const JOB_COUNTS = [1, 100, 1000];
const RATES = [1000, 10_000];
const TARGET_P99_MS = 2;
const TARGET_RATIO = 3;
/** Time for the last frames to arrive after the emitter stopped. */
const DRAIN_MS = 2000;

interface Run {
  summary: Summary;
  server: Summary;
  emitted: number;
  /** This process's CPU time (user + system) per update received, in µs: the client's cost. */
  cpuPerUpdateUs: number;
}

/** Pooled samples of one client over its windows. */
class Samples {
  latencies: number[] = [];
  serverDelays: number[] = [];
  emitted = 0;
  cpuMicros = 0;

  result(): Run {
    return {
      summary: summarize(this.latencies),
      server: summarize(this.serverDelays),
      emitted: this.emitted,
      cpuPerUpdateUs: this.cpuMicros / Math.max(1, this.latencies.length),
    };
  }
}

async function measureWindow(server: ServerProcess, receiver: StreamReceiver, into: Samples, jobs: SeededJob[], rate: number, durationMs: number): Promise<void> {
  await receiver.open(jobs);
  receiver.arm();
  const cpuBefore = process.cpuUsage();
  try {
    const { emitted } = await server.command<{ emitted: number }>({ cmd: 'stream', jobIds: jobs.map((job) => job.jobId), ratePerSecond: rate, durationMs });
    const drainUntil = Date.now() + DRAIN_MS;
    while (receiver.latencies.length < emitted && Date.now() < drainUntil) await sleep(10);
    const cpu = process.cpuUsage(cpuBefore);
    // Without the write stamp the figure would silently include the server's own delay.
    if (receiver.unstamped() > 0) throw new Error(`${receiver.unstamped()} updates reached ${receiver.label} without a socket-write stamp`);
    into.latencies.push(...receiver.latencies);
    into.serverDelays.push(...receiver.serverDelays);
    into.emitted += emitted;
    into.cpuMicros += cpu.user + cpu.system;
  } finally {
    await receiver.close();
  }
}

/** One contract's fan-out: Intake on it, and the bare client of that contract as the peer. */
interface Variant {
  /** Added to every row name; '' for the intake contract (the rows as they always were). */
  suffix: string;
  peer: string;
  dialect?: SocketIoDialect;
  jobCounts: number[];
  rates: number[];
  bare(server: ServerProcess): StreamReceiver;
  intake(server: ServerProcess): StreamReceiver;
}

const INTAKE_VARIANT: Variant = {
  suffix: '',
  peer: 'bare ws',
  jobCounts: JOB_COUNTS,
  rates: RATES,
  bare: (server) => bareWsReceiver(server.wsUrl),
  intake: (server) => intakeReceiver(server.url),
};

/** Seed 004's backend: Intake over socket.io-client beside a bare socket.io-client on the same stream. */
const SOCKETIO_VARIANT: Variant = {
  suffix: ' (socketio-events)',
  peer: 'bare socket.io-client',
  dialect: SOCKETIO_EVENTS,
  jobCounts: [1, 100],
  rates: [1000],
  bare: (server) => bareSocketIoReceiver(server.url, SOCKETIO_EVENTS),
  intake: (server) => intakeReceiver(server.url, SOCKETIO_EVENTS),
};

/** A-B (quick) or A-B-B-A (full): bare first, then Intake, then Intake again, then bare. */
async function measureScenario(server: ServerProcess, variant: Variant, jobs: SeededJob[], rate: number, windowMs: number, rounds: number) {
  const bare = new Samples();
  const intake = new Samples();
  const order: Array<'bare' | 'intake'> = rounds === 1 ? ['bare', 'intake'] : ['bare', 'intake', 'intake', 'bare'];
  for (const client of order) {
    if (client === 'bare') await measureWindow(server, variant.bare(server), bare, jobs, rate, windowMs);
    else await measureWindow(server, variant.intake(server), intake, jobs, rate, windowMs);
  }
  return { bare: bare.result(), intake: intake.result() };
}

function scenarioName(jobCount: number, rate: number): string {
  return `${jobCount} job${jobCount === 1 ? '' : 's'} @ ${rate.toLocaleString('en-US')}/s`;
}

async function run(context: BenchContext, variant: Variant): Promise<FigureEntry[]> {
  // Per client: quick 1 window of 1 s; full 2 windows of 2.5 s.
  const rounds = context.quick ? 1 : 2;
  const windowMs = context.quick ? 1000 : 2500;
  const dataDir = await context.tempDir(`fanout${variant.dialect ? `-${variant.dialect.name}` : ''}`, { inMemory: true });
  // Huge phaseMs: the pipeline stays still, so every update on the wire is ours.
  const server = await startServerProcess({ dataDir, phaseMs: 1e9, limits: { maxSubscriptionsPerConnection: 100_000 }, ...(variant.dialect && { dialect: variant.dialect.name as 'socketio-events' }) });
  const { peer, suffix } = variant;
  const entries: FigureEntry[] = [];
  let lostIntake = 0;
  let lostBare = 0;
  try {
    const allJobs = await seedJobs(server.url, Math.max(...variant.jobCounts), 'FAN', 8, variant.dialect);
    const [firstCount, firstRate] = [variant.jobCounts[0]!, variant.rates[0]!];
    // One window per client (A-B), pooled with nothing.
    const cold = await measureScenario(server, variant, allJobs.slice(0, firstCount), firstRate, windowMs, 1);
    const coldName = `${scenarioName(firstCount, firstRate)}${suffix}`;
    context.log(`  warm-up window, ${coldName}: Intake p99 ${round(cold.intake.summary.p99)} ms, ${round(cold.intake.cpuPerUpdateUs, 1)} µs/update; ${peer} p99 ${round(cold.bare.summary.p99)} ms, ${round(cold.bare.cpuPerUpdateUs, 1)} µs/update`);
    // Shown under the scenario it ran, as context for that scenario's rows.
    const coldRows: FigureEntry[] = [
      contextRow(`  first window, code still compiling (not judged): p99, ${coldName}`, round(cold.intake.summary.p99), 'ms', peer, round(cold.bare.summary.p99)),
      contextRow(`  first window, code still compiling (not judged): client CPU per update, ${coldName}`, round(cold.intake.cpuPerUpdateUs, 1), 'µs', peer, round(cold.bare.cpuPerUpdateUs, 1)),
    ];
    lostBare += cold.bare.emitted - cold.bare.summary.count;
    lostIntake += cold.intake.emitted - cold.intake.summary.count;
    for (const jobCount of variant.jobCounts) {
      for (const rate of variant.rates) {
        const jobs = allJobs.slice(0, jobCount);
        const { bare, intake } = await measureScenario(server, variant, jobs, rate, windowMs, rounds);
        lostBare += bare.emitted - bare.summary.count;
        lostIntake += intake.emitted - intake.summary.count;
        const name = `${scenarioName(jobCount, rate)}${suffix}`;
        context.log(
          `  ${name}: Intake p50 ${round(intake.summary.p50)} p99 ${round(intake.summary.p99)} max ${round(intake.summary.max)} ms (${intake.summary.count}/${intake.emitted}); ` +
            `${peer} p50 ${round(bare.summary.p50)} p99 ${round(bare.summary.p99)} max ${round(bare.summary.max)} ms (${bare.summary.count}/${bare.emitted}); ` +
            `CPU/update Intake ${round(intake.cpuPerUpdateUs, 1)} µs, ${peer} ${round(bare.cpuPerUpdateUs, 1)} µs`,
        );
        const p99 = intake.summary.p99;
        const ratio = ratioOf(p99, bare.summary.p99);
        entries.push(
          contextRow(`fan-out p50, ${name}`, round(intake.summary.p50), 'ms', peer, round(bare.summary.p50)),
          {
            name: `fan-out p99, ${name}`,
            value: round(p99),
            unit: 'ms',
            peer,
            peerValue: round(bare.summary.p99),
            ratio: ratio === null ? null : round(ratio, 2),
            target: `≤ ${TARGET_P99_MS} ms and ≤ ${TARGET_RATIO}× peer`,
            met: p99 <= TARGET_P99_MS && ratio !== null && ratio <= TARGET_RATIO,
          },
          contextRow(`fan-out max, ${name}`, round(intake.summary.max), 'ms', peer, round(bare.summary.max)),
          contextRow(`  server's own emitStatus → write p99, ${name}`, round(intake.server.p99), 'ms', `${peer} run`, round(bare.server.p99)),
          contextRow(`  client CPU per update, ${name}`, round(intake.cpuPerUpdateUs, 1), 'µs', peer, round(bare.cpuPerUpdateUs, 1)),
          ...(jobCount === firstCount && rate === firstRate ? coldRows : []),
        );
      }
    }
  } finally {
    await server.stop();
  }
  entries.push({
    name: `fan-out updates not delivered (all runs)${suffix}`,
    value: lostIntake,
    unit: 'updates',
    peer,
    peerValue: lostBare,
    ratio: null,
    target: '0',
    met: lostIntake === 0,
  });
  return entries;
}

export const fanoutFigure: Figure = {
  id: 'fanout',
  title: 'status fan-out latency, emit → core state change, vs a bare ws client',
  run: (context) => run(context, INTAKE_VARIANT),
};

export const fanoutSocketIoFigure: Figure = {
  id: 'fanout-socketio',
  title: 'status fan-out latency over Socket.IO (socketio-events), emit → core state change, vs a bare socket.io-client',
  run: (context) => run(context, SOCKETIO_VARIANT),
};
