/**
 * The Logger port written to a rotating file with electron-log's Node
 * transport (no Electron needed, so the app's main process and the CLI share
 * it): at 1 MiB the file is renamed to `<name>.old.log` and a new one begun.
 * Lines are redacted (logRedaction.ts); the file is readable by its owner only.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, parse, join } from 'node:path';
import electronLog from 'electron-log/node';
import type { Logger } from '../base/logger';
import { logLine } from './logRedaction';

export const LOG_FILE_MAX_BYTES = 1024 * 1024;

export interface FileLogger extends Logger {
  readonly file: string;
}

export interface FileLoggerOptions {
  file: string;
  /** Rotate past this size (default 1 MiB). */
  maxBytes?: number;
  /** Also write debug lines (default: info and up, as the console logs). */
  debug?: boolean;
  now?: () => Date;
}

let loggers = 0;

export function openFileLogger({ file, maxBytes = LOG_FILE_MAX_BYTES, debug = false, now = () => new Date() }: FileLoggerOptions): FileLogger {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // One electron-log instance per file: the default one is shared process-wide.
  const log = electronLog.create({ logId: `intake-${++loggers}` });
  log.transports.console.level = false;
  Object.assign(log.transports.file, {
    resolvePathFn: () => file,
    maxSize: maxBytes,
    format: '{text}',
    level: 'debug',
    writeOptions: { flag: 'a', mode: 0o600, encoding: 'utf8' },
  });
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
    if (level === 'debug' && !debug) return;
    log[level](logLine(now(), level, message, fields));
  };
  return { file, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** Every message to each logger (the console and the file). */
export function teeLogger(...loggers: Logger[]): Logger {
  const each = (level: keyof Logger) => (message: string, fields?: Record<string, unknown>) => {
    for (const logger of loggers) logger[level](message, fields);
  };
  return { debug: each('debug'), info: each('info'), warn: each('warn'), error: each('error') };
}

/** The last lines of the log (the rotated file first, when the current one is short). */
export function lastLogLines(file: string, count: number): string[] {
  const { dir, name, ext } = parse(file);
  const lines = [join(dir, `${name}.old${ext}`), file].flatMap((path) => {
    try {
      return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '');
    } catch {
      return [];
    }
  });
  return lines.slice(-count);
}
