/**
 * Which command-line arguments of a (second) launch are documents to send.
 * `intake file1.pdf scans/` from a shell, "Open with Intake" in a file manager
 * and a drop on the dock icon all arrive as argv, mixed with the executable,
 * Chromium switches, macOS's `-psn_…` and, in development, the app folder.
 */
import { isAbsolute, resolve } from 'node:path';
import { statSync } from 'node:fs';

export const MAX_LAUNCH_PATHS = 10_000;

export interface LaunchArgsOptions {
  /** The launching process's working directory: relative paths are resolved against it. */
  workingDirectory: string;
  /** Paths that are the app itself (executable, app folder): never documents. */
  ignore?: readonly string[];
  /** Injected for tests; default: an existing file or directory. */
  exists?: (path: string) => boolean;
}

export function pathsFromArgv(argv: readonly string[], options: LaunchArgsOptions): string[] {
  const exists = options.exists ?? existsOnDisk;
  const ignore = new Set((options.ignore ?? []).map((p) => resolve(options.workingDirectory, p)));
  const found = new Set<string>();
  // argv[0] is always the executable.
  for (const arg of argv.slice(1)) {
    if (found.size >= MAX_LAUNCH_PATHS) break;
    if (arg.length === 0 || arg.startsWith('-') || arg.includes('\0')) continue;
    const path = isAbsolute(arg) ? resolve(arg) : resolve(options.workingDirectory, arg);
    if (ignore.has(path) || !exists(path)) continue;
    found.add(path);
  }
  return [...found];
}

function existsOnDisk(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.isFile() || stat.isDirectory();
  } catch {
    return false;
  }
}
