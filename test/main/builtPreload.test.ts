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

describe('built preload', () => {
  it('runs with only `electron` available and exposes exactly window.intake', () => {
    expect(existsSync(builtPreload), 'build first: npx electron-vite build').toBe(true);
    const required: string[] = [];
    const sandboxRequire = (name: string) => {
      required.push(name);
      if (name === 'electron') return electronModule;
      throw new Error(`a sandboxed preload cannot require "${name}"`);
    };
    const module = { exports: {} };
    runInNewContext(readFileSync(builtPreload, 'utf8'), { require: sandboxRequire, module, exports: module.exports, console });
    expect(required).toEqual(['electron']);
    const bridge = fake.exposed.get('intake') as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual([...IPC_CALL_NAMES, 'on', 'pathForFile'].sort());
    expect([...fake.exposed.keys()]).toEqual(['intake']);
  });
});
