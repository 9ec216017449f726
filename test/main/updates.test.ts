/**
 * Updates over the fake electron with the real electron-updater (its
 * AppImage updater) against a local HTTP feed serving a real latest-linux.yml:
 * the update is found and downloaded, the tray offers "Restart to update to
 * 0.2.0", a restart waits while an upload is in flight, and a policy that
 * turns updates off means no request reaches the feed.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import electronUpdater from 'electron-updater';
import { parsePolicy } from '../../src/core/policy/managedPolicy';
import { FakeNotification, FakeTray, resetFakeElectron } from '../support/fakeElectron';
import { NodeUpdaterHttp } from '../support/nodeUpdaterHttp';
import { waitUntil } from '../core/connection/waitUntil';
import { bootShell } from './fixtures/bootShell';
import { makeJob } from './fixtures/jobs';
import { TRAY_REFRESH_MS } from '../../src/main/shell/IntakeShell';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

const { AppImageUpdater } = electronUpdater;
const APP_IMAGE = Buffer.from('not really an AppImage, but bytes with a checksum');

let dir: string;
let feed: Server;
let feedUrl: string;
let requests: string[];

beforeEach(async () => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'intake-updates-'));
  requests = [];
  const sha512 = createHash('sha512').update(APP_IMAGE).digest('base64');
  const latest = [
    'version: 0.2.0',
    'files:',
    '  - url: Intake-0.2.0.AppImage',
    `    sha512: ${sha512}`,
    `    size: ${APP_IMAGE.length}`,
    'path: Intake-0.2.0.AppImage',
    `sha512: ${sha512}`,
    "releaseDate: '2026-12-01T10:00:00.000Z'",
    '',
  ].join('\n');
  feed = createServer((request, response) => {
    requests.push(request.url ?? '');
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/intake/latest-linux.yml') return response.end(latest);
    if (path === '/intake/Intake-0.2.0.AppImage') return response.end(APP_IMAGE);
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/intake/`;
  // The AppImage updater replaces the running AppImage: it needs to know where that is.
  const running = join(dir, 'Intake-0.1.0.AppImage');
  writeFileSync(running, 'old');
  // What electron-builder writes into the package from electron-builder.yml's publish entry.
  writeFileSync(join(dir, 'app-update.yml'), `provider: generic\nurl: ${feedUrl}\nupdaterCacheDirName: intake-updater\n`);
  vi.stubEnv('APPIMAGE', running);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => feed.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** electron-updater's own AppImage updater, with the app adapter and HTTP client Node can run. */
function realUpdater() {
  const updater = new AppImageUpdater(null, {
    version: '0.1.0',
    name: 'Intake',
    isPackaged: true,
    appUpdateConfigPath: join(dir, 'app-update.yml'),
    userDataPath: join(dir, 'userData'),
    baseCachePath: join(dir, 'cache'),
    whenReady: async () => undefined,
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  });
  // Electron's net module is not here: the same client over Node's http.
  (updater as unknown as { httpExecutor: unknown }).httpExecutor = new NodeUpdaterHttp();
  updater.disableDifferentialDownload = true;
  const install = vi.spyOn(updater, 'quitAndInstall').mockImplementation(() => undefined);
  return { updater, install };
}

const policyWith = (updates: unknown) => parsePolicy(JSON.stringify({ updates }), '/etc/intake/policy.json');
const trayLabels = () => FakeTray.instances.at(-1)?.menu?.items.map((item) => item.label) ?? [];

describe('updates', () => {
  it('finds and downloads the update from the packaged feed, offers "Restart to update to 0.2.0", and waits for uploads in flight', async () => {
    const { updater, install } = realUpdater();
    const boot = await bootShell({ updater: () => updater });
    await waitUntil(() => FakeNotification.instances.some((n) => n.options.title === 'Update ready'), 'the update-ready notification');
    boot.clock.advance(TRAY_REFRESH_MS);
    expect(trayLabels()).toContain('Restart to update to 0.2.0');
    expect(requests.some((url) => url.startsWith('/intake/latest-linux.yml'))).toBe(true);
    expect(requests).toContain('/intake/Intake-0.2.0.AppImage');
    expect(FakeNotification.instances.map((n) => n.options.body)).toContain('Restart to update to 0.2.0: choose it in the Intake tray menu.');

    const upload = makeJob('uploading');
    boot.core.queue.put(upload);
    FakeTray.instances.at(-1)!.clickMenuItem('Restart to update to 0.2.0');
    expect(install).not.toHaveBeenCalled();
    await waitUntil(() => FakeNotification.instances.some((n) => n.options.title === 'Update waits for the uploads'), 'the waiting notice');
    boot.core.queue.put({ ...upload, stage: 'tracking' });
    await waitUntil(() => install.mock.calls.length === 1, 'the install once the upload is done');
  });

  it('a policy that turns updates off: no request reaches the feed, no tray item', async () => {
    const { updater } = realUpdater();
    const boot = await bootShell({ updater: () => updater, policy: policyWith({ enabled: false, feedUrl }) });
    boot.clock.advance(7 * 60 * 60 * 1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toEqual([]);
    expect(trayLabels().some((label) => label?.startsWith('Restart to update'))).toBe(false);
  });

  it('a pinned channel reads that channel’s file', async () => {
    const { updater } = realUpdater();
    await bootShell({ updater: () => updater, policy: policyWith({ feedUrl, channel: 'beta' }) });
    await waitUntil(() => requests.length > 0, 'a request to the feed');
    expect(requests[0]).toMatch(/^\/intake\/beta-linux\.yml/);
  });
});
