/**
 * The README's `npm start` (and `npm run dev`), run for real in a fresh copy of
 * the project whose `electron` package has never downloaded its binary — the
 * state that made electron-vite throw "Electron uninstall". Electron's own
 * ELECTRON_OVERRIDE_DIST_PATH points at a stand-in executable that records how
 * it was launched: it must be launched with the app just built.
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1 as on CI: nothing may be downloaded.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, launchedApp, makeProjectCopy, makeStandInElectron, runNpm, type ProjectCopy } from './projectCopy';

const RUN_MS = 300_000;
let project: ProjectCopy;
let standIn: ReturnType<typeof makeStandInElectron>;

beforeAll(() => {
  project = makeProjectCopy();
  standIn = makeStandInElectron(project.root);
});
afterAll(() => project.remove());

function env() {
  return cleanEnv({ ELECTRON_OVERRIDE_DIST_PATH: standIn.distPath, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
}

describe('npm start / npm run dev on a clone where Electron has not been downloaded', () => {
  it(
    'npm start builds the app and launches the Electron that require("electron") names with the built main entry',
    async () => {
      expect(existsSync(join(project.root, 'out')), 'the copy starts unbuilt').toBe(false);
      const startedAt = Date.now();
      const run = await runNpm(['start'], { cwd: project.root, env: env(), timeoutMs: RUN_MS });
      expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
      expect(run.stdout + run.stderr).not.toContain('Electron uninstall');

      const launch = standIn.launch();
      const { appDir, mainEntry } = launchedApp(launch);
      expect(appDir).toBe(project.root);
      expect(mainEntry).toBe(join(project.root, 'out/main/index.js'));
      expect(statSync(mainEntry).mtimeMs).toBeGreaterThanOrEqual(startedAt - 1000);
      expect(existsSync(join(project.root, 'out/preload/index.cjs'))).toBe(true);
      expect(existsSync(join(project.root, 'out/renderer/index.html'))).toBe(true);
      expect(launch.rendererUrl, 'preview runs the built renderer, not a dev server').toBeNull();
    },
    RUN_MS + 10_000,
  );

  it(
    'npm run dev builds main and preload, starts the renderer dev server and launches the same Electron with the app',
    async () => {
      const startedAt = Date.now();
      const run = await runNpm(['run', 'dev'], { cwd: project.root, env: env(), timeoutMs: RUN_MS });
      expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);

      const launch = standIn.launch();
      const { appDir, mainEntry } = launchedApp(launch);
      expect(appDir).toBe(project.root);
      expect(statSync(mainEntry).mtimeMs).toBeGreaterThanOrEqual(startedAt - 1000);
      expect(launch.rendererUrl).toMatch(/^http:\/\/(localhost|127\.0\.0\.1|\[::1\]):\d+$/);
    },
    RUN_MS + 10_000,
  );
});
