/**
 * Main's operator log: one line per message on stderr with its fields as JSON.
 * Callers pass no document names or chart numbers (DESIGN.md).
 */
import type { Logger } from '../core/base/logger';

export function createConsoleLogger(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(`${new Date().toISOString()} ${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  return { debug: () => undefined, info: log('info'), warn: log('warn'), error: log('error') };
}
