/**
 * Real-Electron smoke test (Playwright `_electron`): the BUILT app launched
 * with a throwaway profile, its first-run demo server (the reference server,
 * in-process), a file sent through the real preload bridge, followed to
 * "completed"; tray renders and notifications observed through the app's
 * INTAKE_TEST_CALL_LOG hook (unpackaged builds only).
 *
 * It finds Electron the way `npm start` does (scripts/electron-binary.mjs:
 * Electron's own `require('electron')`, which downloads the binary on first
 * use and honours ELECTRON_OVERRIDE_DIST_PATH). Our CI machines cannot
 * download it and set ELECTRON_SKIP_BINARY_DOWNLOAD: there it reports itself
 * SKIPPED with the reason (the one allowed skip; a skip is not a pass). Run it
 * after `npm run build` on a machine that has or can download Electron; on
 * Linux without a display, under `xvfb-run`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveElectronBinary } from '../../scripts/electron-binary.mjs';
import type { IntakeBridge, QueueSnapshot } from '../../src/shared/ipc';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const mainEntry = join(root, 'out/main/index.js');

const electronBinary = await resolveElectronBinary();
if (!electronBinary.ok) console.log(`SKIPPED test/electron/smoke.test.ts, the real-Electron smoke test did not run. ${electronBinary.message}`);

function pdf(pages: number): string {
  const objects = Array.from({ length: pages }, (_, i) => `${i + 3} 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n`).join('');
  return `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Count ${pages} >>\nendobj\n${objects}%%EOF\n`;
}

interface CallLogEntry {
  kind: string;
  icon?: string;
  tooltip?: string;
  jobs?: number;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('Intake in real Electron', () => {
  it.skipIf(!electronBinary.ok)(
    'starts on its demo server, uploads a dropped file to completion, shows tray and notification',
    async () => {
      expect(existsSync(mainEntry), 'build the app first (npm run build)').toBe(true);
      const dir = mkdtempSync(join(tmpdir(), 'intake-smoke-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const callLog = join(dir, 'calls.jsonl');
      const file = join(dir, 'scan.pdf');
      writeFileSync(file, pdf(2));

      const app: ElectronApplication = await electron.launch({
        executablePath: electronBinary.ok ? electronBinary.path : '',
        args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), mainEntry],
        env: { ...process.env, INTAKE_USER_DATA: join(dir, 'profile'), INTAKE_TEST_CALL_LOG: callLog },
        timeout: 60_000,
      });
      cleanups.push(async () => {
        if (app.process().exitCode === null) app.process().kill('SIGKILL');
      });
      const page = await app.firstWindow();
      await page.waitForFunction(() => typeof (globalThis as { intake?: unknown }).intake === 'object', undefined, { timeout: 30_000 });

      // The page is what the security rules say: no Node, our origin, a CSP.
      expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined']);
      expect(page.url()).toBe('app://intake/index.html');
      const cspMeta = await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document;
        return doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
      });
      expect(cspMeta).toContain("default-src 'none'");
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

      const enqueued = await page.evaluate(
        (path) => (globalThis as unknown as { intake: IntakeBridge }).intake.enqueue({ chartNumber: 'SMOKE-1', files: [path] }),
        file,
      );
      expect(enqueued.ok).toBe(true);

      await vi.waitFor(
        async () => {
          const snapshot = await page.evaluate(() => (globalThis as unknown as { intake: IntakeBridge }).intake.getSnapshot());
          expect(snapshot.ok).toBe(true);
          const value = (snapshot as { ok: true; value: QueueSnapshot }).value;
          expect(value.demoServer).toBe(true);
          expect(value.jobs[0]?.stage).toBe('completed');
        },
        { timeout: 90_000, interval: 250 },
      );

      await vi.waitFor(
        () => {
          const entries = readFileSync(callLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as CallLogEntry);
          const trays = entries.filter((e) => e.kind === 'tray');
          expect(trays.some((e) => e.icon === 'working')).toBe(true);
          expect(trays.at(-1)?.icon).toBe('idle');
          expect(entries.filter((e) => e.kind === 'notification')).toHaveLength(1);
        },
        { timeout: 20_000, interval: 250 },
      );

      // Quit really quits (the close button would only hide the window).
      const exited = new Promise<void>((resolveExit) => app.process().once('exit', () => resolveExit()));
      await app.evaluate(({ app: electronApp }) => electronApp.quit());
      await exited;
    },
    180_000,
  );
});
