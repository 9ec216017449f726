/**
 * Figure 3 — upload throughput and memory.
 * Large file: Intake's queue + uploader vs `curl -F`, alternated, each run
 * against a fresh reference server (child process, data dir on tmpfs when
 * available so neither run waits on the disk of the other). Intake's time is
 * enqueue() → server accepted (the `uploaded` event); curl's is process start
 * → exit. RSS growth is this process's peak RSS during Intake's run minus RSS
 * just before it (the server lives in the child, so it is not counted).
 * Context: a plain Node http pipe (support/nodePipeUpload.ts) in the same
 * rotation — what any Node uploader reaches here, to split the gap to curl.
 * Small files: N files of 100 KB as N jobs, Intake (default concurrency 2) vs
 * curl in a shell loop, jobs per second.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { BenchContext, Figure, FigureEntry } from '../figure';
import { contextRow, ratioOf } from '../figure';
import { benchNow } from '../benchClock';
import { median, round } from '../stats';
import { curlShellLoop, curlUpload } from '../support/curl';
import { nodePipeUpload } from '../support/nodePipeUpload';
import { writeSmallPdfs, writeSparsePdf } from '../support/documents';
import { startQueue, waitForUploads } from '../support/queueHarness';
import { startServerProcess, type ServerProcess } from '../support/serverProcess';

const MiB = 2 ** 20;
const TARGET_RATIO = 0.95;
const TARGET_RSS_MIB = 64;
const SMALL_FILE_BYTES = 100_000;

/** A fresh server (fresh data dir) for one run, removed afterwards. */
async function withServer<T>(context: BenchContext, work: (server: ServerProcess) => Promise<T>): Promise<T> {
  const dataDir = await context.tempDir('upload-server', { inMemory: true });
  const server = await startServerProcess({
    dataDir,
    phaseMs: 1e9,
    limits: { maxFileBytes: 4 * 2 ** 30, maxRequestBytes: 4 * 2 ** 30, maxFiles: 10 },
  });
  try {
    return await work(server);
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function intakeLargeRun(context: BenchContext, server: ServerProcess, filePath: string, run: number) {
  const queue = await startQueue(await context.tempDir(`upload-state-${run}`), server.url);
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 20);
  try {
    const started = benchNow();
    const uploaded = waitForUploads(queue, 1, 30 * 60_000);
    await queue.enqueue({ chartNumber: `LARGE-${run}`, files: [filePath] });
    await uploaded;
    const seconds = (benchNow() - started) / 1000;
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    return { seconds, rssGrowth: rssPeak - rssBefore };
  } finally {
    clearInterval(sampler);
    await queue.dispose();
  }
}

async function intakeSmallRun(context: BenchContext, server: ServerProcess, files: string[]): Promise<number> {
  const queue = await startQueue(await context.tempDir('upload-small-state'), server.url);
  try {
    const started = benchNow();
    const uploaded = waitForUploads(queue, files.length, 10 * 60_000);
    await Promise.all(files.map((file, i) => queue.enqueue({ chartNumber: `SMALL-${i}`, files: [file] })));
    await uploaded;
    return (benchNow() - started) / 1000;
  } finally {
    await queue.dispose();
  }
}

async function run(context: BenchContext): Promise<FigureEntry[]> {
  const size = context.quick ? 64 * MiB : 1024 * MiB;
  const runs = context.quick ? 1 : 3;
  const smallCount = context.quick ? 100 : 1000;
  const dir = await context.tempDir('upload-files');
  const largeFile = path.join(dir, 'large.pdf');
  // Every uploader reads it from the page cache, whichever runs first.
  await writeSparsePdf(largeFile, size, { readThrough: true });

  const intakeSeconds: number[] = [];
  const curlSeconds: number[] = [];
  const nodeSeconds: number[] = [];
  let rssGrowth = 0;
  for (let i = 0; i < runs; i += 1) {
    const intake = await withServer(context, (server) => intakeLargeRun(context, server, largeFile, i));
    intakeSeconds.push(intake.seconds);
    rssGrowth = Math.max(rssGrowth, intake.rssGrowth);
    const curlTime = await withServer(context, async (server) => {
      const started = benchNow();
      await curlUpload(server.url, `LARGE-${i}`, largeFile);
      return (benchNow() - started) / 1000;
    });
    curlSeconds.push(curlTime);
    const nodeTime = await withServer(context, async (server) => {
      const started = benchNow();
      await nodePipeUpload(server.url, `LARGE-${i}`, largeFile);
      return (benchNow() - started) / 1000;
    });
    nodeSeconds.push(nodeTime);
    context.log(
      `  ${size / MiB} MiB run ${i + 1}: Intake ${round(intake.seconds, 2)} s (RSS +${round(intake.rssGrowth / MiB, 1)} MiB), curl ${round(curlTime, 2)} s, plain Node pipe ${round(nodeTime, 2)} s`,
    );
  }
  const intakeRate = size / MiB / median(intakeSeconds);
  const curlRate = size / MiB / median(curlSeconds);
  const nodeRate = size / MiB / median(nodeSeconds);
  const throughputRatio = ratioOf(intakeRate, curlRate);

  const smallFiles = await writeSmallPdfs(dir, smallCount, SMALL_FILE_BYTES);
  const intakeSmall = await withServer(context, (server) => intakeSmallRun(context, server, smallFiles));
  const curlSmall = await withServer(context, async (server) => {
    const started = benchNow();
    await curlShellLoop(server.url, 'SMALL', smallFiles);
    return (benchNow() - started) / 1000;
  });
  context.log(`  ${smallCount} small jobs: Intake ${round(intakeSmall, 2)} s, curl loop ${round(curlSmall, 2)} s`);
  const label = `${size / MiB} MiB`;

  return [
    {
      name: `upload throughput, ${label} file (median of ${runs})`,
      value: round(intakeRate, 1),
      unit: 'MiB/s',
      peer: 'curl -F',
      peerValue: round(curlRate, 1),
      ratio: throughputRatio,
      target: `≥ ${TARGET_RATIO}× peer`,
      met: throughputRatio !== null && throughputRatio >= TARGET_RATIO,
    },
    contextRow(`  plain Node http pipe, same file (what Node alone reaches)`, round(nodeRate, 1), 'MiB/s', 'curl -F', round(curlRate, 1)),
    {
      name: `RSS growth during a ${label} upload (worst run)`,
      value: round(rssGrowth / MiB, 1),
      unit: 'MiB',
      peer: null,
      peerValue: null,
      ratio: null,
      target: `≤ ${TARGET_RSS_MIB} MiB`,
      met: rssGrowth / MiB <= TARGET_RSS_MIB,
    },
    contextRow(
      `small-file jobs, ${smallCount} × 100 KB (Intake concurrency 2, curl sequential)`,
      round(smallCount / intakeSmall, 1),
      'jobs/s',
      'curl shell loop',
      round(smallCount / curlSmall, 1),
    ),
  ];
}

export const uploadFigure: Figure = {
  id: 'upload',
  title: 'upload throughput and memory vs curl',
  run,
};
