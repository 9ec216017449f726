/**
 * The CLI's state folder: the queue file (written by the core's file store)
 * and `cli.json`, which remembers the server (and WebSocket URL override) a
 * run used so `intake resume` can do without --server and --ws-url. The token is deliberately NOT stored: it would
 * sit in plain text on disk; resume takes --token or INTAKE_TOKEN again.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

export const CLI_STATE_FILE = 'cli.json';

// wsUrl was added later and is optional: a folder written by an older version stays readable.
const cliStateSchema = z.looseObject({ version: z.literal(1), server: z.string().min(1), wsUrl: z.string().min(1).optional(), backend: z.string().min(1).optional() });
/** wsUrl: the --ws-url override the run used; absent = derived from the server. backend: --backend (a file's absolute path); absent = intake. */
export type CliState = { version: 1; server: string; wsUrl?: string; backend?: string };

export interface StateDir {
  path: string;
  /** True when the CLI made a temporary folder that should go at the end. */
  temporary: boolean;
}

/** The state folder cannot be made or written: the run cannot keep its promise to lose nothing, so it does not start. */
export class StateDirError extends Error {}

export async function openStateDir(dir: string | null): Promise<StateDir> {
  try {
    if (dir === null) return { path: await mkdtemp(path.join(os.tmpdir(), 'intake-cli-')), temporary: true };
    const resolved = path.resolve(dir);
    // Owner only, like mkdtemp's: the queue in it names documents and chart numbers. A folder that exists is left as it is.
    await mkdir(resolved, { recursive: true, mode: 0o700 });
    return { path: resolved, temporary: false };
  } catch (error) {
    throw new StateDirError(`Cannot use the state folder${dir === null ? '' : ` ${dir}`}: ${fsReason(error)}.`);
  }
}

export async function removeStateDir(dir: StateDir): Promise<void> {
  if (dir.temporary) await rm(dir.path, { recursive: true, force: true });
}

export type ReadCliStateResult = { state: CliState | null; warning: string | null };

/** Missing → null. Corrupt → null plus a warning, and the corrupt copy is kept beside it. */
export async function readCliState(dir: string, now: () => number = Date.now): Promise<ReadCliStateResult> {
  const file = path.join(dir, CLI_STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: null, warning: null };
    return { state: null, warning: `cannot read ${CLI_STATE_FILE} in the state folder (${(error as NodeJS.ErrnoException).code ?? 'error'}); ignoring it.` };
  }
  let parsed: ReturnType<typeof cliStateSchema.safeParse> | null = null;
  try {
    parsed = cliStateSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = null;
  }
  if (parsed?.success) {
    const { server, wsUrl, backend } = parsed.data;
    return { state: { version: 1, server, ...(wsUrl !== undefined && { wsUrl }), ...(backend !== undefined && { backend }) }, warning: null };
  }
  const kept = `${file}.corrupt-${now()}`;
  await rename(file, kept);
  return { state: null, warning: `${CLI_STATE_FILE} in the state folder was corrupt; kept it as ${path.basename(kept)} and continued without it.` };
}

/** Atomic: a kill mid-write leaves the old file or the new one, never half of one. */
export async function writeCliState(dir: string, state: CliState): Promise<void> {
  // An absent override stays absent in the file (not null): older versions read it as before.
  const file = path.join(dir, CLI_STATE_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(state)}\n`, { encoding: 'utf8', mode: 0o600 });
    await rename(temp, file);
  } catch (error) {
    throw new StateDirError(`Cannot write to the state folder ${dir}: ${fsReason(error)}.`);
  }
}

function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'permission denied';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a file is in the way (it is not a folder)';
  if (code === 'ENOSPC') return 'the disk is full';
  return code ?? (error as Error).message;
}
