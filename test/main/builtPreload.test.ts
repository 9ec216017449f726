/**
 * The BUILT preload (out/preload/index.cjs) run the way a sandboxed preload
 * runs: a bare context whose `require` knows only `electron`. Proves the
 * bundle needs nothing else (zod is inside it) and exposes exactly the
 * contract. Needs a build first (`npm test` builds).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { beforeEach, describe, expect, it } from 'vitest';
import { IPC_CALL_NAMES } from '../../src/shared/ipc';
import { electronModule, fake, resetFakeElectron } from '../support/fakeElectron';

const builtPreload = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'out/preload/index.cjs');

beforeEach(() => resetFakeElectron());

/** Runs a built preload as a sandboxed one runs: its `require` knows only `electron`. Answers what it required. */
function runSandboxed(file: string): string[] {
  const required: string[] = [];
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electronModule;
    throw new Error(`a sandboxed preload cannot require "${name}"`);
  };
  const module = { exports: {} };
  runInNewContext(readFileSync(file, 'utf8'), { require: sandboxRequire, module, exports: module.exports, console });
  return required;
}

describe('built preload', () => {
  it('runs with only `electron` available and exposes exactly window.intake', () => {
    expect(existsSync(builtPreload), 'build first: npx electron-vite build').toBe(true);
    const required = runSandboxed(builtPreload);
    expect(required).toEqual(['electron']);
    const bridge = fake.exposed.get('intake') as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual([...IPC_CALL_NAMES, 'on', 'pathForFile'].sort());
    expect([...fake.exposed.keys()]).toEqual(['intake']);
  });

  it('the proxy sign-in dialog’s preload also needs only `electron` and exposes exactly window.proxyLogin', () => {
    const built = builtPreload.replace(/index\.cjs$/, 'proxyLogin.cjs');
    expect(existsSync(built), 'build first: npx electron-vite build').toBe(true);
    const required = runSandboxed(built);
    expect(required).toEqual(['electron']);
    expect([...fake.exposed.keys()]).toEqual(['proxyLogin']);
    expect(Object.keys(fake.exposed.get('proxyLogin') as object).sort()).toEqual(['cancel', 'details', 'submit']);
  });
});
