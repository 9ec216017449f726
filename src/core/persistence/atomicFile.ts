/**
 * Replacing a whole file so that a crash leaves either the old or the new
 * content, never half of one: temp file → write → fsync → rename → fsync the
 * folder. Used for the v1 queue file and for the journal's compaction; and
 * reading a saved file back, where only "not there" may pass for empty.
 */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';

export async function writeAtomically(dir: string, path: string, temp: string, chunks: Iterable<string>): Promise<void> {
  // Owner only: the queue names patients' documents and chart numbers.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const handle = await open(temp, 'w', 0o600);
  try {
    // Chunk by chunk: each awaited write lets the event loop run, where one big string would block it.
    for (const chunk of chunks) await handle.writeFile(chunk, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes a rename or a new file's name durable. Not possible on Windows (EPERM/EISDIR): best effort there. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The file content is already durable; only the name may lag.
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}

/** null when the file is not there; any other failure stops the load (taken for empty, the next save would lose every job). */
export async function readSavedFile(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`Cannot read the saved queue (${(error as NodeJS.ErrnoException).code ?? 'I/O error'}).`, { cause: error });
  }
}
