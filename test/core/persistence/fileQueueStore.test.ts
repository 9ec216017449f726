import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { migrations, parsePersistedQueue } from '../../../src/core/persistence/persistedQueue';
import type { Logger } from '../../../src/core/base/logger';
import type { PersistedQueue } from '../../../src/core/queue/UploadQueue';
import type { QueueJob } from '../../../src/shared/queueJob';
import { makeTempDir, type TempDir } from '../../support/files';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('intake-store-');
});
afterEach(async () => {
  await dir.remove();
});

function job(n: number): QueueJob {
  return {
    id: `local-${n}`,
    chartNumber: 'SECRET-CHART',
    files: [{ path: '/x/secret-name.pdf', name: 'secret-name.pdf', size: 5, type: 'pdf' }],
    stage: 'tracking',
    idempotencyKey: `key-${n}`,
    jobId: `srv-${n}`,
    createdAt: n,
    updatedAt: n,
    upload: null,
    uploadAttempts: 1,
    nextUploadAt: null,
    server: null,
    error: null,
  };
}

function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const push = (message: string, fields?: Record<string, unknown>): void => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  return { logger: { debug: push, info: push, warn: push, error: push }, lines };
}

describe('createFileQueueStore', () => {
  it('returns null before anything was saved, then reads back exactly what was saved', async () => {
    const store = createFileQueueStore(join(dir.path, 'nested', 'state'));
    expect(await store.load()).toBeNull();
    const state: PersistedQueue = { version: 1, jobs: [job(1), job(2)], paused: true };
    await store.save(state);
    expect(await store.load()).toEqual(state);
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual(state);
    expect(store.drainWarnings()).toEqual([]);
  });

  it('serialises overlapping saves so the last one wins and no temp file is left', async () => {
    const store = createFileQueueStore(dir.path);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save({ version: 1, jobs: [job(i)], paused: false })));
    expect((await store.load())?.jobs.map((j) => j.id)).toEqual(['local-19']);
    expect(await readdir(dir.path)).toEqual(['queue.json']);
  });

  it.each([
    ['truncated', '{"version":1,"jobs":[{"id":"local-1","chartNu'],
    ['garbage', '\u0000\u0001 not json at all'],
    ['not an object', '[1,2,3]'],
    ['a newer format', '{"version":99,"jobs":[],"paused":false}'],
  ])('moves a %s file aside with a warning and starts empty', async (_kind, content) => {
    const { logger, lines } = recordingLogger();
    const store = createFileQueueStore(dir.path, { logger, now: () => Date.UTC(2026, 10, 22, 3, 0, 0) });
    await writeFile(store.path, content);
    expect(await store.load()).toBeNull();
    const names = await readdir(dir.path);
    expect(names).toEqual(['queue.json.corrupt-2026-11-22T03-00-00-000Z']);
    expect(await readFile(join(dir.path, names[0]!), 'utf8')).toBe(content);
    const warnings = store.drainWarnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/moved aside|kept as queue\.json\.corrupt/);
    expect(store.drainWarnings()).toEqual([]);
    expect(lines.join('\n')).toMatch(/corrupt/);

    // The store keeps working after it.
    await store.save({ version: 1, jobs: [job(1)], paused: false });
    expect((await store.load())?.jobs).toHaveLength(1);
  });

  it('a second damaged file set aside in the same millisecond does not overwrite the first copy', async () => {
    const store = createFileQueueStore(dir.path, { now: () => Date.UTC(2026, 10, 22, 3, 0, 0) });
    for (const content of ['first {', 'second {', 'third {']) {
      await writeFile(store.path, content);
      expect(await store.load()).toBeNull();
    }
    const stamp = 'queue.json.corrupt-2026-11-22T03-00-00-000Z';
    expect((await readdir(dir.path)).sort()).toEqual([stamp, `${stamp}-1`, `${stamp}-2`]);
    expect(await readFile(join(dir.path, stamp), 'utf8')).toBe('first {');
    expect(await readFile(join(dir.path, `${stamp}-2`), 'utf8')).toBe('third {');
  });

  it('a big queue written in slices reads back whole; the same file cut short is moved aside', async () => {
    const store = createFileQueueStore(dir.path, { now: () => Date.UTC(2026, 10, 22, 3, 0, 0) });
    const state: PersistedQueue = { version: 1, jobs: Array.from({ length: 5000 }, (_, i) => Object.freeze(job(i))), paused: false };
    await store.save(state);
    const text = await readFile(store.path, 'utf8');
    expect(text).toBe(JSON.stringify(state));
    expect(await store.load()).toEqual(state);

    await writeFile(store.path, text.slice(0, Math.floor(text.length / 2)));
    expect(await store.load()).toBeNull();
    expect(store.drainWarnings()).toEqual([expect.stringMatching(/corrupt or truncated; it was moved aside/)]);
    expect(await readdir(dir.path)).toEqual(['queue.json.corrupt-2026-11-22T03-00-00-000Z']);
  });

  it('keeps the readable jobs of a damaged file, and a copy of the original', async () => {
    const store = createFileQueueStore(dir.path);
    const content = JSON.stringify({ version: 1, jobs: [job(1), { id: 'broken' }, job(2)], paused: false });
    await writeFile(store.path, content);
    const loaded = await store.load();
    expect(loaded?.jobs.map((j) => j.id)).toEqual(['local-1', 'local-2']);
    expect(store.drainWarnings()).toEqual([expect.stringMatching(/1 saved job\(s\) could not be read/)]);
    const copies = (await readdir(dir.path)).filter((name) => name.includes('.corrupt-'));
    expect(copies).toHaveLength(1);
    expect(await readFile(join(dir.path, copies[0]!), 'utf8')).toBe(content);
    // Until the next save replaces it, the file itself stays too: a crash now must not lose the readable jobs.
    expect(await readFile(store.path, 'utf8')).toBe(content);
  });

  it('removes temp files left by a crash between write and rename', async () => {
    const store = createFileQueueStore(dir.path);
    await store.save({ version: 1, jobs: [job(1)], paused: false });
    await writeFile(join(dir.path, 'queue.json.tmp-999-1'), '{"half');
    expect((await store.load())?.jobs).toHaveLength(1);
    expect(await readdir(dir.path)).toEqual(['queue.json']);
  });

  it('never logs chart numbers or file names', async () => {
    const { logger, lines } = recordingLogger();
    const store = createFileQueueStore(dir.path, { logger });
    await writeFile(store.path, JSON.stringify({ version: 1, jobs: [job(1), { chartNumber: 'SECRET-CHART' }], paused: false }));
    await store.load();
    await writeFile(store.path, '{"chartNumber":"SECRET-CHART", "files":["secret-name.pdf"');
    await store.load();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toMatch(/SECRET-CHART|secret-name/);
  });
});

describe('parsePersistedQueue migrations', () => {
  it('runs the migration hook from an older version', () => {
    // Pretend version 1 is current and a version-0 document exists: register a 0 → 1 step for the test.
    migrations[0] = (old) => ({ ...old, version: 1, jobs: old.items, paused: false });
    try {
      const parsed = parsePersistedQueue({ version: 0, items: [job(5)] });
      expect(parsed.damaged).toBe(false);
      expect(parsed.queue?.jobs.map((j) => j.id)).toEqual(['local-5']);
    } finally {
      delete migrations[0];
    }
  });

  it('acceptedBy: kept when readable; an unreadable one leaves the job in, without it', () => {
    const parsed = parsePersistedQueue({ version: 1, paused: false, jobs: [{ ...job(1), acceptedBy: 'demo' }, { ...job(2), acceptedBy: 42 }, job(3)] });
    expect(parsed.damaged).toBe(false);
    expect(parsed.queue?.jobs.map((j) => [j.id, j.acceptedBy])).toEqual([
      ['local-1', 'demo'],
      ['local-2', undefined],
      ['local-3', undefined],
    ]);
  });

  it('version 0 without a migration is refused with a clear warning', () => {
    const parsed = parsePersistedQueue({ version: 0, jobs: [] });
    expect(parsed.queue).toBeNull();
    expect(parsed.warnings[0]).toMatch(/No migration from saved-queue format 0/);
  });
});
