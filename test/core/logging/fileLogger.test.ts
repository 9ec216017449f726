// The rotating log file (electron-log's Node transport): lines, levels, rotation, owner-only, redaction.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastLogLines, openFileLogger, teeLogger } from '../../../src/core/logging/fileLogger';
import { logLine, redactFields, redactText } from '../../../src/core/logging/logRedaction';

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

describe('log files, more', () => {
  it('debug lines are kept when asked for; two loggers never write into each other\'s file', async () => {
    const a = openFileLogger({ file: path.join(dir, 'a.log'), debug: true, now: () => at });
    const b = openFileLogger({ file: path.join(dir, 'b.log'), now: () => at });
    a.debug('only in a');
    b.info('only in b');
    expect(await readFile(path.join(dir, 'a.log'), 'utf8')).toBe('2026-12-02T09:14:00.000Z debug only in a\n');
    expect(await readFile(path.join(dir, 'b.log'), 'utf8')).toBe('2026-12-02T09:14:00.000Z info only in b\n');
  });

  it('the last lines reach back into the rotated file when the current one is short; no log yet gives none', async () => {
    const file = path.join(dir, 'main.log');
    expect(lastLogLines(file, 5)).toEqual([]);
    const logger = openFileLogger({ file, maxBytes: 400, now: () => at });
    for (let i = 0; i < 12; i++) logger.info(`line ${i}`);
    const current = (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;
    expect(current).toBeLessThan(5);
    expect(lastLogLines(file, 5).map((l) => l.split(' ').slice(2).join(' '))).toEqual(['line 7', 'line 8', 'line 9', 'line 10', 'line 11']);
  });

  it('a tee gives every level to every logger', () => {
    const seen: string[] = [];
    const into = (name: string) => ({
      debug: (m: string) => seen.push(`${name} debug ${m}`),
      info: (m: string) => seen.push(`${name} info ${m}`),
      warn: (m: string) => seen.push(`${name} warn ${m}`),
      error: (m: string) => seen.push(`${name} error ${m}`),
    });
    const tee = teeLogger(into('console'), into('file'));
    tee.debug('d');
    tee.info('i');
    tee.warn('w');
    tee.error('e');
    expect(seen).toEqual(['console debug d', 'file debug d', 'console info i', 'file info i', 'console warn w', 'file warn w', 'console error e', 'file error e']);
  });
});

describe('redaction, more', () => {
  it('a known value inside a longer one: the longer is redacted whole; an empty known value changes nothing', () => {
    expect(redactText('sent A-100_scan.pdf for A-100', ['A-100', 'A-100_scan.pdf'])).toBe('sent [redacted] for [redacted]');
    expect(redactText('sent scan for A-100', ['', 'A-100'])).toBe('sent scan for [redacted]');
  });

  it('a line with no fields, or only empty ones, ends with its message', () => {
    expect(logLine(at, 'info', 'started', {})).toBe('2026-12-02T09:14:00.000Z info started');
    expect(logLine(at, 'info', 'started')).toBe('2026-12-02T09:14:00.000Z info started');
  });
});
