/**
 * `--backend` / the backend setting: a built-in dialect by name, or a custom
 * dialect file, read once; every way a file can be wrong is refused with a
 * message that names the file and what is wrong with it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DialectFileError, isBuiltInDialect, loadBackend, normalizeBackend } from '../../../src/core/dialect/backendChoice';
import { INTAKE_DIALECT, SOCKETIO_EVENTS, SOCKETIO_ROOMS } from '../../../src/shared/dialect';
import { makeTempDir, type TempDir } from '../../support/files';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('intake-dialect-');
});
afterEach(async () => {
  await dir.remove();
});

const put = async (name: string, content: string) => {
  const file = path.join(dir.path, name);
  await writeFile(file, content);
  return file;
};
const refusal = (value: string) =>
  loadBackend(value).then(
    () => 'loaded',
    (error: unknown) => (error instanceof DialectFileError ? error.message : `not a DialectFileError: ${String(error)}`),
  );

describe('choosing a backend', () => {
  it('the three built-in names are the built-in dialects; anything else is a file', async () => {
    expect(await loadBackend('intake')).toBe(INTAKE_DIALECT);
    expect(await loadBackend('socketio-rooms')).toBe(SOCKETIO_ROOMS);
    expect(await loadBackend('socketio-events')).toBe(SOCKETIO_EVENTS);
    expect(['intake', 'socketio-rooms', 'socketio-events', 'Intake', 'socketio', ''].map(isBuiltInDialect)).toEqual([true, true, true, false, false, false]);
  });

  it('a built-in name is kept as it is; a file name is made absolute, so a later run from elsewhere finds the same file', () => {
    expect(normalizeBackend('socketio-events')).toBe('socketio-events');
    expect(normalizeBackend('acme.json')).toBe(path.resolve('acme.json'));
    expect(normalizeBackend('/etc/intake/acme.json')).toBe('/etc/intake/acme.json');
  });

  it('a dialect file renames what differs from its base and keeps the rest', async () => {
    const file = await put('acme.json', JSON.stringify({ name: 'acme', base: 'socketio-events', rest: { upload: '/v2/upload' } }));
    const dialect = await loadBackend(file);
    expect(dialect).toMatchObject({ name: 'acme', base: 'socketio-events', rest: { ...SOCKETIO_EVENTS.rest, upload: '/v2/upload' }, events: SOCKETIO_EVENTS.events });
  });

  it('a file that is missing or cannot be read: says which, and what may be given instead', async () => {
    const missing = path.join(dir.path, 'nope.json');
    expect(await refusal(missing)).toBe(
      `Cannot read the dialect file ${missing} (it does not exist); give intake, socketio-rooms, socketio-events or a dialect file (JSON).`,
    );
    const folder = path.join(dir.path, 'a-folder');
    await mkdir(folder);
    expect(await refusal(folder)).toBe(`Cannot read the dialect file ${folder} (EISDIR); give intake, socketio-rooms, socketio-events or a dialect file (JSON).`);
  });

  it('a file far larger than any dialect file is refused without parsing it; one just under the limit is read', async () => {
    const limit = 64 * 1024;
    const padded = (bytes: number) => {
      const base = JSON.stringify({ name: 'acme', base: 'socketio-rooms', pad: '' });
      return base.replace('"pad":""', `"pad":"${'x'.repeat(bytes - base.length)}"`);
    };
    const tooLarge = await put('big.json', padded(limit + 1));
    expect(await refusal(tooLarge)).toBe(`The dialect file ${tooLarge} is larger than 65536 bytes; it is not a dialect file.`);
    // At the limit the file is parsed: here it is refused for its unknown key, not for its size.
    const atLimit = await put('limit.json', padded(limit));
    expect(await refusal(atLimit)).toContain(`The dialect file ${atLimit} is not usable: `);
    // Counted in bytes, not characters: 40,000 two-byte characters are over the limit.
    const wide = await put('wide.json', JSON.stringify({ name: 'é'.repeat(40_000), base: 'socketio-rooms' }));
    expect(await refusal(wide)).toContain('is larger than 65536 bytes');
  });

  it('not JSON, or JSON that is not a dialect: the message names the file and the problem', async () => {
    const broken = await put('broken.json', '{ "name": ');
    expect(await refusal(broken)).toMatch(new RegExp(`^The dialect file ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON \\(.+\\)\\.$`));
    const wrong = await put('wrong.json', JSON.stringify({ name: 'acme', base: 'socketio-rooms', events: { updates: [] } }));
    expect(await refusal(wrong)).toBe(`The dialect file ${wrong} is not usable: events.updates: Too small: expected array to have >=1 items`);
  });
});
