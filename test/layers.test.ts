// The layer rule must be able to fail: lint deliberate crossings with the real config.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rule (DESIGN.md)', () => {
  it.each([
    ['src/shared/x.ts', "import { a } from '../core/a';"],
    ['src/shared/x.ts', "import { readFile } from 'node:fs';"],
    ['src/shared/x.ts', "import fs from 'fs';"],
    ['src/core/x.ts', "import { app } from 'electron';"],
    ['src/core/x.ts', "import { b } from '../main/b';"],
    ['src/renderer/x.ts', "import { c } from '../core/c';"],
    ['src/renderer/x.ts', "import { ipcRenderer } from 'electron';"],
    ['src/renderer/x.ts', "import path from 'node:path';"],
    ['src/preload/x.ts', "import { d } from '../core/d';"],
    ['src/server/x.ts', "import { e } from '../core/e';"],
    ['src/cli/x.ts', "import { f } from '../main/f';"],
    ['src/main/x.ts', "import { g } from '../renderer/g';"],
    ['src/main/x.ts', "import { h } from '../server/pipeline';"],
  ])('%s rejects %s', async (file, code) => {
    expect(await layerErrors(file, `${code}\nexport {};\n`)).not.toHaveLength(0);
  });

  it.each([
    ['src/renderer/x.ts', "import { z } from '../shared/z';"],
    ['src/core/x.ts', "import { z } from '../shared/z';"],
    ['src/core/x.ts', "import { readFile } from 'node:fs';"],
    ['src/main/x.ts', "import { app } from 'electron';"],
    ['src/main/x.ts', "import { q } from '../core/q';"],
    ['src/main/x.ts', "import { startServer } from '../server/index';"],
    ['src/cli/x.ts', "import { q } from '../core/q';"],
    ['src/preload/x.ts', "import { contextBridge } from 'electron';"],
  ])('%s allows %s', async (file, code) => {
    expect(await layerErrors(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});

describe('typed IPC only (STYLE.md)', () => {
  async function ipcErrors(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  }

  it.each([
    ['src/main/x.ts', "import { ipcMain } from 'electron';"],
    ['src/main/shell/x.ts', "declare const ipcMain: { handle(c: string, f: () => void): void };\nipcMain.handle('x', () => undefined);"],
    ['src/main/window/x.ts', "declare const w: { webContents: { send(c: string, p: unknown): void } };\nw.webContents.send('jobs', []);"],
    ['src/renderer/x.ts', "declare const ipcRenderer: { invoke(c: string): void };\nipcRenderer.invoke('x');"],
  ])('%s rejects %s', async (file, code) => {
    expect(await ipcErrors(file, code)).not.toHaveLength(0);
  });

  it.each([
    ['src/main/ipc/x.ts', "import { ipcMain } from 'electron';\nipcMain.handle('x', () => undefined);"],
    ['src/preload/x.ts', "import { ipcRenderer } from 'electron';\nvoid ipcRenderer.invoke('x');"],
    ['src/main/window/x.ts', "import { sendToRenderer } from '../ipc/sendToRenderer';\ndeclare const w: { webContents: { send(c: string, p: unknown): void } };\nsendToRenderer(w.webContents, 'jobs', []);"],
  ])('%s allows %s', async (file, code) => {
    expect(await ipcErrors(file, code)).toEqual([]);
  });
});
