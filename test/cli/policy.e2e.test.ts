// The CLI reads the same administrator policy as the app (INTAKE_POLICY here): presets fill in, locks refuse.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
