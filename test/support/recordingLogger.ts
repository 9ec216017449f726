/** A Logger that keeps what it was told, as entries, so tests can check what an operator would read. */
import type { Logger } from '../../src/core/base/logger';

export interface LogEntry {
  level: keyof Logger;
  message: string;
  fields?: Record<string, unknown>;
}

export function recordingLogger(): { lines: LogEntry[]; messages: () => string[]; logger: Logger } {
  const lines: LogEntry[] = [];
  const at = (level: keyof Logger) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, ...(fields && { fields }) });
  return { lines, messages: () => lines.map((l) => l.message), logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}
