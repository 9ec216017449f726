/**
 * The shell's stores: the queue older versions kept in electron-store is
 * migrated to the journal (a damaged one set aside), the layout migration, the settings
 * repository's validation of what it reads back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJournalQueueStore } from '../../src/core/persistence/journalQueueStore';
import { electronLegacyQueue } from '../../src/main/persistence/electronQueueStore';
import { makeTempDir, type TempDir } from '../support/files';
import { memoryKeyValueStore } from '../../src/main/persistence/keyValueStore';
import { LAYOUT_VERSION, migrateToGroupedLayout, storeMigrations } from '../../src/main/persistence/storeMigrations';
import { SettingsRepository } from '../../src/main/persistence/settingsRepository';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { makeJob } from './fixtures/jobs';
import { memoryLogger } from './fixtures/memoryLogger';

const safeStorage = {
  isEncryptionAvailable: () => true,
  encryptString: (s: string) => Buffer.from(`enc:${s}`),
  decryptString: (b: Buffer) => b.toString().slice(4),
};

describe('the queue kept in electron-store by older versions', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir('intake-main-queue-');
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('is migrated to the journal once: same jobs, the key deleted, later loads read the journal', async () => {
    const state = { version: 1 as const, jobs: [makeJob('queued'), makeJob('completed')], paused: true };
    const kv = memoryKeyValueStore({ queue: state });
    expect(await createJournalQueueStore(dir.path, { legacy: electronLegacyQueue(kv) }).load()).toEqual(state);
    expect(kv.data.queue).toBeUndefined();
    kv.set('queue', { version: 1, jobs: [], paused: false }); // would be read again if the journal were not used
    expect(await createJournalQueueStore(dir.path, { legacy: electronLegacyQueue(kv) }).load()).toEqual(state);
  });

  it('a damaged queue: readable jobs kept, the original set aside, a warning for the queue to report', async () => {
    const good = makeJob('tracking');
    const kv = memoryKeyValueStore({ queue: { version: 1, jobs: [good, { id: 'broken' }], paused: false } });
    const store = createJournalQueueStore(dir.path, { legacy: electronLegacyQueue(kv, () => 1234) });
    expect(await store.load()).toEqual({ version: 1, jobs: [good], paused: false });
    expect(kv.data['queueDamaged-1234']).toMatchObject({ jobs: [good, { id: 'broken' }] });
    expect(store.drainWarnings()).toEqual(['1 saved job(s) could not be read and were left out.']);
    expect(store.drainWarnings()).toEqual([]);
  });

  it('garbage is set aside and the queue starts empty', async () => {
    const kv = memoryKeyValueStore({ queue: 'not a queue' });
    const legacy = electronLegacyQueue(kv, () => 99);
    expect(await legacy.load()).toBeNull();
    expect(kv.data['queueDamaged-99']).toBe('not a queue');
    expect(legacy.drainWarnings?.()).toHaveLength(1);
  });
});

describe('store migrations', () => {
  it('groups the flat pre-release settings and drops a plaintext token; idempotent', () => {
    const kv = memoryKeyValueStore({ serverUrl: 'https://a.org/api', uploadConcurrency: 3, token: 'plain-old-token', other: 1 });
    migrateToGroupedLayout(kv);
    expect(kv.data).toEqual({ settings: { serverUrl: 'https://a.org/api', uploadConcurrency: 3 }, other: 1 });
    migrateToGroupedLayout(kv);
    expect(kv.data).toEqual({ settings: { serverUrl: 'https://a.org/api', uploadConcurrency: 3 }, other: 1 });
    expect(Object.keys(storeMigrations)).toEqual([LAYOUT_VERSION]);
  });

  it('a fresh store is left alone', () => {
    const kv = memoryKeyValueStore();
    migrateToGroupedLayout(kv);
    expect(kv.data).toEqual({});
  });

  it('a migrated store is read back as settings', () => {
    const kv = memoryKeyValueStore({ serverUrl: 'https://a.org/api', historySize: 50 });
    migrateToGroupedLayout(kv);
    const repository = new SettingsRepository(kv, safeStorage, memoryLogger());
    expect(repository.settings).toEqual({ ...DEFAULT_SETTINGS, serverUrl: 'https://a.org/api', historySize: 50 });
  });
});

describe('settings repository', () => {
  it('ignores invalid stored values instead of failing to start', () => {
    const kv = memoryKeyValueStore({ settings: { uploadConcurrency: 'many', notifications: false } });
    const repository = new SettingsRepository(kv, safeStorage, memoryLogger());
    expect(repository.settings).toEqual({ ...DEFAULT_SETTINGS, notifications: false });
  });

  it('a refused patch stores nothing', () => {
    const kv = memoryKeyValueStore();
    const repository = new SettingsRepository(kv, safeStorage, memoryLogger());
    expect(repository.update({ serverUrl: 'http://remote.example/api' }).ok).toBe(false);
    expect(kv.data.settings).toBeUndefined();
    expect(repository.update({ serverUrl: 'https://remote.example/api' }).ok).toBe(true);
    expect(kv.data.settings).toMatchObject({ serverUrl: 'https://remote.example/api' });
  });

  it('one-time hints are given once', () => {
    const repository = new SettingsRepository(memoryKeyValueStore(), safeStorage, memoryLogger());
    expect(repository.takeHint('closeToTray')).toBe(true);
    expect(repository.takeHint('closeToTray')).toBe(false);
  });
});
