/**
 * Bytes this process handed to write(2) so far (Linux /proc/self/io `wchar`).
 * Measured at the syscall, so it counts what persistence really wrote —
 * temp files, renames' contents, everything — without wrapping the store.
 */
import { readFileSync } from 'node:fs';

export function bytesWrittenSoFar(): number | null {
  try {
    const match = /^wchar:\s+(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
