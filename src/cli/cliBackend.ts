/**
 * `--backend` for a run: the dialect to speak, read once (a custom file is
 * validated here, its problems said on stderr as a usage error), and what the
 * state folder keeps of it so `intake resume` speaks the same.
 */
import { DialectFileError, loadBackend, normalizeBackend } from '../core/dialect/backendChoice';
import type { Dialect } from '../shared/dialect';
import type { CliIo } from './cliIo';
import type { CliState } from './stateDir';

/** null: the file cannot be used (already said on stderr). `saved` is what cli.json keeps (absent for intake). */
export async function cliBackend(value: string | null, io: CliIo): Promise<{ dialect: Dialect; saved: string | null } | null> {
  const saved = value === null || value === 'intake' ? null : normalizeBackend(value);
  try {
    return { dialect: await loadBackend(saved ?? 'intake'), saved };
  } catch (error) {
    if (!(error instanceof DialectFileError)) throw error;
    io.err.write(`intake: --backend: ${error.message}\n`);
    return null;
  }
}

export function cliState(server: string, wsUrl: string | null, backend: string | null): CliState {
  // Absent fields stay absent (not null): older versions read the file as before.
  return { version: 1, server, ...(wsUrl !== null && { wsUrl }), ...(backend !== null && { backend }) };
}
