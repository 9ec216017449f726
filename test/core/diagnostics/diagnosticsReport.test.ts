// "Save diagnostics…": versions and statistics in, and no token, chart number or file name, however they got in.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { diagnosticsReport } from '../../../src/core/diagnostics/diagnosticsReport';
import { lastLogLines, openFileLogger } from '../../../src/core/logging/fileLogger';
import { NO_POLICY, parsePolicy } from '../../../src/core/policy/managedPolicy';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { sampleJob } from '../../support/sampleJob';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-diag-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TOKEN = 'tok-Zq81-VERY-SECRET';
const CHART = 'CH-2026.117';
const FILE = 'Smith_John_referral.pdf';

it('a diagnostics file holds versions, settings, policy and statistics, and no token, chart number or file name', async () => {
  const logFile = path.join(dir, 'main.log');
  const logger = openFileLogger({ file: logFile });
  logger.info('connected', { attempt: 1 });
  // A careless caller: the chart number and file name in a message, the path in an error.
  logger.warn(`upload of ${FILE} for ${CHART} failed`, { error: `EIO /home/nurse/scans/${FILE}` });
  const jobs = [
    sampleJob({ chartNumber: CHART, files: [{ path: `/home/nurse/scans/${FILE}`, name: FILE, size: 1000, type: 'pdf' }], stage: 'failed', uploadAttempts: 3 }),
    sampleJob({ id: 'local-2', chartNumber: 'CH-7', files: [{ path: '/srv/hot/CH-7/page1.tif', name: 'page1.tif', size: 24, type: 'tiff' }], stage: 'completed', uploadAttempts: 1 }),
  ];
  const report = diagnosticsReport({
    at: new Date('2026-12-02T09:14:00Z'),
    versions: { intake: '0.1.0', electron: '45.4.1', node: '22.20.0' },
    os: { platform: 'linux', release: '6.1.0', arch: 'x64' },
    settings: { ...DEFAULT_SETTINGS, serverUrl: 'https://ai.example.org/api', hotFolder: { path: `/srv/hot/${CHART}`, enabled: true }, caFile: '/etc/ssl/clinic.pem', backend: '/home/nurse/dialects/acme.json' },
    hasToken: true,
    token: TOKEN,
    policy: parsePolicy(JSON.stringify({ settings: { serverUrl: 'https://ai.example.org/api' }, locked: ['serverUrl'] }), '/etc/intake/policy.json'),
    server: { demo: false },
    connection: { state: 'reconnecting', reason: `token ${TOKEN} refused`, nextTryAt: 0, attempt: 3 },
    jobs,
    paused: false,
    logLines: lastLogLines(logFile, 50),
  });
  const file = path.join(dir, 'intake-diagnostics.txt');
  await writeFile(file, report);
  const text = await readFile(file, 'utf8');

  expect(text).toContain('"electron": "45.4.1"');
  expect(text).toContain('"platform": "linux"');
  expect(text).toContain('"serverUrl": "https://ai.example.org/api"');
  expect(text).toContain('"locked": [\n    "serverUrl"\n  ]');
  expect(text).toContain('"state": "reconnecting"');
  expect(text).toMatch(/"jobs": 2,\s+"byStage": \{\s+"failed": 1,\s+"completed": 1\s+\},\s+"files": 2,\s+"bytes": 1024,\s+"uploadAttempts": 4/);
  expect(text).toContain('info connected {"attempt":1}');
  expect(text).toContain('"token": "(set)"');
  expect(text).toContain('"backend": "(custom dialect file)"');
  expect(text).toContain('"hotFolder": {\n    "enabled": true,\n    "path": "(set)"\n  }');
  expect(text).toContain('"caFile": "(set)"');
  for (const secret of [TOKEN, CHART, 'CH-7', FILE, 'Smith', 'page1.tif', 'nurse', '/srv/hot', 'clinic.pem', 'acme.json']) expect(text, secret).not.toContain(secret);
});

it('a fresh install: what is not set says so, a built-in backend is named, an empty queue counts zero, and each part has its heading', () => {
  const report = diagnosticsReport({
    at: new Date('2026-12-02T09:14:00Z'),
    versions: { intake: '0.1.0' },
    os: { platform: 'win32', release: '10.0.26100', arch: 'x64' },
    settings: { ...DEFAULT_SETTINGS, backend: 'socketio-events' },
    hasToken: false,
    token: null,
    policy: NO_POLICY,
    server: { demo: true },
    connection: { state: 'stopped', reason: 'no server set' },
    jobs: [],
    paused: true,
    logLines: ['line one', 'line two'],
  });
  const section = (title: string) => {
    const start = report.indexOf(`## ${title}\n`);
    expect(start, title).toBeGreaterThanOrEqual(0);
    const next = report.indexOf('\n## ', start + 1);
    return report.slice(start + title.length + 4, next === -1 ? undefined : next);
  };
  expect(report.startsWith('## Intake diagnostics\n{\n  "created": "2026-12-02T09:14:00.000Z"\n}\n')).toBe(true);
  expect(JSON.parse(section('Versions'))).toEqual({ intake: '0.1.0' });
  expect(JSON.parse(section('Operating system'))).toEqual({ platform: 'win32', release: '10.0.26100', arch: 'x64' });
  expect(JSON.parse(section('Settings (without secrets)'))).toMatchObject({ hotFolder: { enabled: false, path: null }, caFile: null, backend: 'socketio-events', token: '(none)' });
  expect(JSON.parse(section('Policy in force'))).toEqual({ file: null, presets: [], locked: [], updates: NO_POLICY.updates, problems: [] });
  expect(JSON.parse(section('Connection'))).toEqual({ state: 'stopped', reason: 'no server set', demoServer: true });
  expect(JSON.parse(section('Queue'))).toEqual({ jobs: 0, byStage: {}, files: 0, bytes: 0, uploadAttempts: 0, paused: true });
  expect(section('Last log lines')).toBe('line one\nline two\n');
});
