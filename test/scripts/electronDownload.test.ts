/**
 * A fresh desktop's first `npm start`: Electron is not there, so Electron's own
 * loader downloads it — here from a local mirror (ELECTRON_MIRROR, as Electron
 * documents) serving a stand-in executable — and the app just built is
 * launched with it. The second start reuses the download.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startElectronMirror, type ElectronMirror } from './electronMirror';
import { cleanEnv, launchedApp, makeProjectCopy, readLaunch, runNpm, standInScript, type ProjectCopy } from './projectCopy';

const RUN_MS = 300_000;
let project: ProjectCopy;
let mirror: ElectronMirror;
let record: string;
let version: string;

beforeAll(async () => {
  project = makeProjectCopy();
  record = join(project.root, 'launch.json');
  version = (JSON.parse(readFileSync(join(project.root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
  mirror = await startElectronMirror(version, standInScript(record));
});
afterAll(async () => {
  await mirror.close();
  project.remove();
});

function env() {
  return cleanEnv({
    ELECTRON_MIRROR: mirror.url,
    // The mirror's zip is not Electron's: check it against the mirror's SHASUMS256.txt, not the bundled sums.
    electron_use_remote_checksums: '1',
    electron_config_cache: join(project.root, 'electron-cache'),
  });
}

describe('the first npm start on a computer without Electron', () => {
  it(
    'downloads Electron once through require("electron"), then launches it with the app just built',
    async () => {
      const first = await runNpm(['start'], { cwd: project.root, env: env(), timeoutMs: RUN_MS });
      expect(first.code, `stdout:\n${first.stdout}\nstderr:\n${first.stderr}`).toBe(0);
      expect(first.stdout).toContain(`Downloading Electron ${version}`);
      const zipRequests = () => mirror.requests.filter((path) => path.endsWith('.zip'));
      expect(zipRequests()).toEqual([`/v${version}/electron-v${version}-${process.platform}-${process.arch}.zip`]);
      expect(existsSync(join(project.root, 'node_modules/electron/path.txt'))).toBe(true);
      const { appDir, mainEntry } = launchedApp(readLaunch(record));
      expect(appDir).toBe(project.root);
      expect(mainEntry).toBe(join(project.root, 'out/main/index.js'));
      expect(existsSync(mainEntry)).toBe(true);

      const second = await runNpm(['start'], { cwd: project.root, env: env(), timeoutMs: RUN_MS });
      expect(second.code, `stdout:\n${second.stdout}\nstderr:\n${second.stderr}`).toBe(0);
      expect(second.stdout).not.toContain('Downloading');
      expect(zipRequests(), 'the second start reuses the download').toHaveLength(1);
    },
    2 * RUN_MS + 10_000,
  );
});
