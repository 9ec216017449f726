/**
 * The shell's stores: the queue store keeps the core's PersistedQueue JSON
 * (and sets a damaged one aside), the layout migration, the settings
 * repository's validation of what it reads back.
 */
import { describe, expect, it } from 'vitest';
import { createElectronQueueStore } from '../../src/main/persistence/electronQueueStore';
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

describe('electron queue store', () => {
  it('saves and loads the same PersistedQueue JSON', async () => {
    const kv = memoryKeyValueStore();
    const store = createElectronQueueStore(kv);
    expect(await store.load()).toBeNull();
    const state = { version: 1 as const, jobs: [makeJob('queued'), makeJob('completed')], paused: true };
    await store.save(state);
    expect(kv.data.queue).toEqual(state);
    expect(await createElectronQueueStore(kv).load()).toEqual(state);
  });

  it('a damaged queue: readable jobs kept, the original set aside, a warning for the queue to report', async () => {
    const good = makeJob('tracking');
    const kv = memoryKeyValueStore({ queue: { version: 1, jobs: [good, { id: 'broken' }], paused: false } });
    const store = createElectronQueueStore(kv, () => 1234);
    expect(await store.load()).toEqual({ version: 1, jobs: [good], paused: false });
    expect(kv.data['queueDamaged-1234']).toMatchObject({ jobs: [good, { id: 'broken' }] });
    expect(store.drainWarnings?.()).toEqual(['1 saved job(s) could not be read and were left out.']);
    expect(store.drainWarnings?.()).toEqual([]);
  });

  it('garbage is set aside and the queue starts empty', async () => {
    const kv = memoryKeyValueStore({ queue: 'not a queue' });
    const store = createElectronQueueStore(kv, () => 99);
    expect(await store.load()).toBeNull();
    expect(kv.data['queueDamaged-99']).toBe('not a queue');
    expect(store.drainWarnings?.()).toHaveLength(1);
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
