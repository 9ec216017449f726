/**
 * Undo steps a suite registers as it goes (a server to stop, an engine to dispose, a temp folder to remove),
 * run after each test in reverse order, and temp folders that register their own removal.
 */
import { afterEach } from 'vitest';
import { makeTempDir, type TempDir } from './files';

export function useCleanups(tempPrefix = 'intake-test-') {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const defer = (cleanup: () => Promise<void> | void): void => void cleanups.push(cleanup);
  const tempDir = async (): Promise<TempDir> => {
    const dir = await makeTempDir(tempPrefix);
    defer(() => dir.remove());
    return dir;
  };
  return { defer, tempDir };
}
