/**
 * `--backend` (CLI) and the policy/settings value: a built-in dialect's name,
 * or the path of a custom dialect file (PROTOCOL.md "Backend dialects"). A
 * file is read once, at the start of a run; what it describes is a plain
 * value from then on.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILT_IN_DIALECTS, INTAKE_DIALECT, builtInSocketIoDialect, type BuiltInDialect, type Dialect } from '../../shared/dialect';
import { parseDialectFile } from '../../shared/dialectFile';

/** A dialect file is a few hundred bytes; anything this large is not one. */
const MAX_DIALECT_FILE_BYTES = 64 * 1024;

export class DialectFileError extends Error {}

export function isBuiltInDialect(value: string): value is BuiltInDialect {
  return (BUILT_IN_DIALECTS as readonly string[]).includes(value);
}

/** The built-in's name as it is, a file's path made absolute (kept in a state folder, read from anywhere later). */
export function normalizeBackend(value: string): string {
  return isBuiltInDialect(value) ? value : path.resolve(value);
}

/** Throws DialectFileError with a message naming the file's problem (and the field, for a malformed one). */
export async function loadBackend(value: string): Promise<Dialect> {
  if (isBuiltInDialect(value)) return value === 'intake' ? INTAKE_DIALECT : builtInSocketIoDialect(value);
  let text: string;
  try {
    text = await readFile(value, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DialectFileError(`Cannot read the dialect file ${value} (${code === 'ENOENT' ? 'it does not exist' : (code ?? 'error')}); give ${BUILT_IN_DIALECTS.join(', ')} or a dialect file (JSON).`);
  }
  if (Buffer.byteLength(text) > MAX_DIALECT_FILE_BYTES) throw new DialectFileError(`The dialect file ${value} is larger than ${MAX_DIALECT_FILE_BYTES} bytes; it is not a dialect file.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DialectFileError(`The dialect file ${value} is not valid JSON (${(error as Error).message}).`);
  }
  const reading = parseDialectFile(json);
  if (!reading.ok) throw new DialectFileError(`The dialect file ${value} is not usable: ${reading.message}`);
  return reading.dialect;
}
