// The rotating log file (electron-log's Node transport): lines, levels, rotation, owner-only, redaction.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastLogLines, openFileLogger, teeLogger } from '../../../src/core/logging/fileLogger';
import { redactFields, redactText } from '../../../src/core/logging/logRedaction';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = new Date('2026-12-02T09:14:00.000Z');

describe('file logger', () => {
  it('writes info and up with fields as JSON, in a folder it creates, readable by its owner only', async () => {
    const file = path.join(dir, 'logs', 'main.log');
    const logger = openFileLogger({ file, now: () => at });
    logger.debug('not kept');
    logger.info('connected', { attempt: 2 });
    logger.warn('slow disk');
    logger.error('upload failed', { status: 503 });
    expect((await readFile(file, 'utf8')).split('\n').filter(Boolean)).toEqual([
      '2026-12-02T09:14:00.000Z info connected {"attempt":2}',
      '2026-12-02T09:14:00.000Z warn slow disk',
      '2026-12-02T09:14:00.000Z error upload failed {"status":503}',
    ]);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('rotates past maxBytes: the full file becomes main.old.log and the last lines span both', async () => {
    const file = path.join(dir, 'main.log');
    const logger = openFileLogger({ file, maxBytes: 400, now: () => at });
    for (let i = 0; i < 20; i++) logger.info(`line ${i}`);
    const old = await readFile(path.join(dir, 'main.old.log'), 'utf8');
    const current = await readFile(file, 'utf8');
    expect(old).toContain('line 0');
    expect(current).toContain('line 19');
    expect(current).not.toContain('line 0\n');
    expect(lastLogLines(file, 3).map((l) => l.split(' ').slice(2).join(' '))).toEqual(['line 17', 'line 18', 'line 19']);
  });

  it('never writes a path, a chart-number or file-name field, or a token field', async () => {
    const file = path.join(dir, 'main.log');
    const logger = teeLogger(openFileLogger({ file, now: () => at }));
    logger.error('could not read', { error: "ENOENT: no such file, open '/home/nurse/Scans/Smith_John_CH-1234.pdf'", chartNumber: 'CH-1234', fileName: 'Smith.pdf', token: 'tok-secret' });
    logger.warn('share gone', { error: 'EACCES \\\\clinic-fs\\scans\\CH-99 and C:\\Users\\nurse\\x.pdf' });
    const text = await readFile(file, 'utf8');
    for (const secret of ['Smith', 'CH-1234', 'tok-secret', 'nurse', 'CH-99', 'clinic-fs']) expect(text).not.toContain(secret);
    expect(text).toContain("ENOENT: no such file, open '[path]'");
  });
});

describe('redaction', () => {
  it('keeps URLs and plain words, replaces paths and known values', () => {
    expect(redactText('GET https://ai.example.org/api/documents 200')).toBe('GET https://ai.example.org/api/documents 200');
    expect(redactText('moved /srv/hot/x.pdf to done', ['x'])).toBe('moved [path] to done');
    expect(redactText('job for A-100 done', ['A-100'])).toBe('job for [redacted] done');
    expect(redactFields({ status: 1, filePath: '/a', proxyPassword: 'p' })).toEqual({ status: 1, filePath: '[redacted]', proxyPassword: '[redacted]' });
  });
});
