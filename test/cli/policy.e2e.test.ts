// The CLI reads the same administrator policy as the app (INTAKE_POLICY here): presets fill in, locks refuse.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './cliProcess';
import { writePdf } from './documents';
import { startTestServer } from './testServer';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-cli-policy-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function policyFile(policy: unknown): Promise<string> {
  const file = path.join(dir, 'policy.json');
  await writeFile(file, typeof policy === 'string' ? policy : JSON.stringify(policy));
  return file;
}

describe('intake and the administrator policy', () => {
  it('a preset server is used when --server is not given', async () => {
    const server = await startTestServer();
    const env = { INTAKE_POLICY: await policyFile({ settings: { serverUrl: server.url }, locked: ['serverUrl'] }) };
    const file = await writePdf(path.join(dir, 'scan.pdf'), 1);
    const { code, stderr } = await runCli(['upload', '--chart', 'P-1', '--json', file], { env });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(server.jobs()).toHaveLength(1);
  });

  it('a locked server refuses another --server, saying why (exit 2, nothing sent)', async () => {
    const server = await startTestServer();
    const env = { INTAKE_POLICY: await policyFile({ settings: { serverUrl: server.url }, locked: ['serverUrl'] }) };
    const file = await writePdf(path.join(dir, 'scan.pdf'), 1);
    const { code, stderr } = await runCli(['upload', '--server', 'http://127.0.0.1:9/api', '--chart', 'P-1', file], { env });
    expect(code).toBe(2);
    expect(stderr).toContain(`--server: "serverUrl" is set by your administrator and cannot be changed here (policy ${env.INTAKE_POLICY}).`);
    expect(server.jobs()).toHaveLength(0);
  });

  it('an invalid policy is reported and plain HTTP to other computers stays off', async () => {
    const env = { INTAKE_POLICY: await policyFile('{ "locked": [') };
    const { code, stderr } = await runCli(['doctor', '--server', 'http://10.0.0.9/api', '--allow-insecure-http'], { env });
    expect(code).toBe(2);
    expect(stderr).toMatch(/warning: The administrator's policy .* has problems; .*not valid JSON/);
    expect(stderr).toContain('--allow-insecure-http: "allowInsecureHttp" is set by your administrator');
  });
});

describe('intake --log-file', () => {
  it('writes the operator log to the file, redacted: no chart number or file name', async () => {
    const server = await startTestServer({ maxAttempts: 3, failPlan: ({ chartNumber }) => (chartNumber.includes('fail1') ? 1 : 0) });
    const file = await writePdf(path.join(dir, 'Smith_referral.pdf'), 1);
    const logFile = path.join(dir, 'logs', 'intake.log');
    const { code } = await runCli(['upload', '--server', server.url, '--chart', 'C-17-fail1', '--log-file', logFile, file]);
    expect(code).toBe(0);
    const text = await readFile(logFile, 'utf8');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z (info|warn|error) /m);
    for (const secret of ['C-17', 'Smith', dir]) expect(text).not.toContain(secret);
  });
});
