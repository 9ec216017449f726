/**
 * src/server/main.ts as a process: the one "listening on" line, clean exit on
 * SIGTERM/SIGINT, exit 2 on usage errors, and request logs without chart
 * numbers or document names.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type StatusBody, type StatusJobEntry, startReferenceServer } from '../../src/server/index';
import { spawnServerProcess, startServer } from '../support/referenceServer';
import { chartPart, documentPart, postMultipart } from './fixtures/multipartUpload';
import { pdfWithPages } from './fixtures/sampleDocuments';
import { waitFor } from './fixtures/waitFor';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/server/main.ts'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: Run = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((done) => child.once('exit', (code, signal) => done({ code, signal }))),
  };
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (result.stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (result.stderr += text));
  return result;
}

describe('server CLI', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints exactly one listening line with --port 0 and exits 0 on ${signal}`, async () => {
      const proc = run(['--port', '0', '--phase-ms', '50']);
      try {
        await waitFor(() => proc.stdout.includes('\n'), 'the listening line', 30_000);
        expect(proc.stdout).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\/api\n$/);
        const url = proc.stdout.slice('listening on '.length).trim();
        expect(Number(new URL(url).port)).toBeGreaterThan(0);
        expect((await fetch(`${url}/health`)).status).toBe(200);
        proc.child.kill(signal);
        expect(await proc.exit).toEqual({ code: 0, signal: null });
        expect(proc.stdout.split('\n').filter(Boolean)).toHaveLength(1);
      } finally {
        proc.child.kill('SIGKILL');
      }
    });
  }

  it.each([
    [['--port', 'abc'], /--port must be a whole number 0–65535 \(got "abc"\)/],
    [['--fail-rate', '2'], /--fail-rate must be a number from 0 to 1/],
    [['--max-attempts', '0'], /--max-attempts must be a whole number, 1 or more/],
    [['--token'], /--token needs a value/],
    [['--bogus'], /Unknown option "--bogus"/],
  ])('exits 2 with a usage message on %j', async (args, message) => {
    const proc = run(args);
    expect(await proc.exit).toEqual({ code: 2, signal: null });
    expect(proc.stderr).toMatch(message);
    expect(proc.stderr).toMatch(/Usage:/);
    expect(proc.stdout).toBe('');
  });

  it('--fail-plan chart decides each job\'s fate from its chart number in a server process', async () => {
    const server = await spawnServerProcess({ args: ['--phase-ms', '20', '--max-attempts', '2', '--fail-plan', 'chart'] });
    for (const chart of ['OK-1', 'R-fail1', 'X-fail2']) {
      const reply = await postMultipart(`${server.url}/documents/upload`, [chartPart(chart), documentPart(pdfWithPages(1))]);
      expect(reply.status).toBe(201);
    }
    const final = async (chart: string) => {
      const body = (await (await fetch(`${server.url}/documents/status/${chart}`)).json()) as StatusBody;
      return body.jobs[0];
    };
    const finals = new Map<string, StatusJobEntry>();
    const deadline = Date.now() + 30_000;
    while (finals.size < 3 && Date.now() < deadline) {
      for (const chart of ['OK-1', 'R-fail1', 'X-fail2']) {
        const job = await final(chart);
        if (job !== undefined && (job.status === 'completed' || (job.status === 'failed' && !job.willRetry))) finals.set(chart, job);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(finals.get('OK-1')).toMatchObject({ status: 'completed', attempt: 1 });
    expect(finals.get('R-fail1')).toMatchObject({ status: 'completed', attempt: 2 });
    expect(finals.get('X-fail2')).toMatchObject({ status: 'failed', attempt: 2, willRetry: false });
    expect(await server.kill()).toBe(0);
  });

  it('refuses a port already in use: startReferenceServer rejects, the CLI exits 1 saying why', async () => {
    const holder = await startServer();
    await expect(startReferenceServer({ port: holder.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const proc = run(['--port', String(holder.port)]);
    expect(await proc.exit).toEqual({ code: 1, signal: null });
    expect(proc.stderr).toMatch(/server failed to start: .*EADDRINUSE/);
    expect(proc.stdout).toBe('');
  });

  it('logs method, route pattern, status and timing to stderr, never chart numbers or document names', async () => {
    const server = await spawnServerProcess({ args: ['--phase-ms', '20'] });
    const chart = 'SECRET-CHART-4711';
    const reply = await postMultipart(`${server.url}/documents/upload`, [chartPart(chart), documentPart(pdfWithPages(1), 'Jane-Doe-discharge.pdf')]);
    expect(reply.status).toBe(201);
    await fetch(`${server.url}/documents/status/${chart}`);
    await fetch(`${server.url}/documents/status/bad%20${chart}`);
    await waitFor(() => server.stderr().includes('GET /api/documents/status/:chartNumber 400'), 'the log line of the last request');
    const log = server.stderr();
    expect(log).toMatch(/POST \/api\/documents\/upload 201 \d+ms in=\d+B/);
    expect(log).toMatch(/GET \/api\/documents\/status\/:chartNumber 200/);
    expect(log).not.toContain(chart);
    expect(log).not.toContain('Jane-Doe');
    expect(await server.kill()).toBe(0);
  });
});
