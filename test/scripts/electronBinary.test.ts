/**
 * When the Electron binary can be neither found nor downloaded, `npm start`
 * says so in one paragraph — what is missing, why, how to fix it — and exits
 * non-zero, before building anything and without a dependency's stack trace.
 * Runs in a fresh copy of the project (no downloaded binary) with an
 * environment built here, so neither this machine's downloads nor CI's
 * ELECTRON_SKIP_BINARY_DOWNLOAD decide the outcome.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveElectronBinary } from '../../scripts/electron-binary.mjs';
import { cleanEnv, makeProjectCopy, makeStandInElectron, runNpm, type ProjectCopy } from './projectCopy';

let project: ProjectCopy;
beforeAll(() => {
  project = makeProjectCopy();
});
afterAll(() => project.remove());

/** A loopback port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  return port;
}

function expectOneParagraph(text: string): string {
  const paragraph = text.trim();
  expect(paragraph.split('\n'), text).toHaveLength(1);
  expect(paragraph).toMatch(/^Intake cannot start: /);
  expect(paragraph).not.toMatch(/\bat .*:\d+:\d+|\bError:|node:internal/);
  return paragraph;
}

describe('no Electron binary and no way to get one', () => {
  it('npm start with the download mirror on a closed port: one paragraph with the cause and the fixes, exit 1, nothing built', async () => {
    const port = await closedPort();
    const env = cleanEnv({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, ELECTRON_GET_NO_PROGRESS: '1' });
    const run = await runNpm(['start'], { cwd: project.root, env, timeoutMs: 60_000 });

    expect(run.code).toBe(1);
    const message = expectOneParagraph(run.stderr);
    expect(message).toContain('the Electron 45.');
    expect(message).toContain('binary is not installed');
    expect(message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(message).toContain(`http://127.0.0.1:${port}/`);
    for (const fix of ['network access', 'ELECTRON_MIRROR', 'ELECTRON_OVERRIDE_DIST_PATH']) expect(message).toContain(fix);
    expect(run.stdout).toContain('Downloading Electron 45.');
    expect(existsSync(join(project.root, 'out')), 'the binary is resolved before anything is built').toBe(false);
    expect(existsSync(join(project.root, 'node_modules/electron/path.txt'))).toBe(false);
  }, 90_000);

  it('npm start with ELECTRON_SKIP_BINARY_DOWNLOAD set: says that the variable stopped the download, tries none', async () => {
    // The mirror would fail loudly (bad port) if a download were attempted.
    const env = cleanEnv({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ELECTRON_MIRROR: 'http://127.0.0.1:1/' });
    const run = await runNpm(['start'], { cwd: project.root, env, timeoutMs: 60_000 });

    expect(run.code).toBe(1);
    const message = expectOneParagraph(run.stderr);
    expect(message).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not downloaded');
    expect(message).toContain('Unset ELECTRON_SKIP_BINARY_DOWNLOAD');
    expect(message).toContain('ELECTRON_OVERRIDE_DIST_PATH');
    expect(message).not.toContain('127.0.0.1:1');
    expect(run.stdout).not.toContain('Downloading');
  }, 90_000);

  it('ELECTRON_OVERRIDE_DIST_PATH naming a folder without the executable: names the path it looked at', async () => {
    const env = cleanEnv({ ELECTRON_OVERRIDE_DIST_PATH: join(project.root, 'no-electron-here') });
    const notices: string[] = [];
    const result = await resolveElectronBinary({ root: project.root, env, onNotice: (text) => notices.push(text) });

    expect(result.ok).toBe(false);
    const message = expectOneParagraph(result.ok ? '' : result.message);
    expect(message).toContain(`no Electron executable at ${join(project.root, 'no-electron-here', 'electron')}`);
    expect(message).toContain('ELECTRON_OVERRIDE_DIST_PATH is set to');
    expect(notices).toEqual([]);
  });

  it('ELECTRON_OVERRIDE_DIST_PATH naming a folder with the executable: that path, nothing downloaded', async () => {
    const standIn = makeStandInElectron(project.root);
    const env = cleanEnv({ ELECTRON_OVERRIDE_DIST_PATH: standIn.distPath, ELECTRON_MIRROR: 'http://127.0.0.1:1/' });
    const result = await resolveElectronBinary({ root: project.root, env, onNotice: () => expect.fail('no download expected') });

    expect(result).toEqual({ ok: true, path: join(standIn.distPath, 'electron') });
  });
});
