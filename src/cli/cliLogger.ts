/**
 * The core's operator log, for a terminal: errors to stderr; warnings, info
 * and debug only with INTAKE_DEBUG set (what a user must know reaches them
 * through the queue's events and the connection state, in plainer words). The core promises to
 * pass no names, paths or chart numbers; we add none.
 */
import type { Logger } from '../core/base/logger';
import { openFileLogger, teeLogger } from '../core/logging/fileLogger';
import type { TextSink } from './output/reporter';

export function cliLogger(err: TextSink, verbose: boolean, logFile: string | null = null): Logger {
  const terminal = terminalLogger(err, verbose);
  return logFile === null ? terminal : teeLogger(terminal, openFileLogger({ file: logFile }));
}

function terminalLogger(err: TextSink, verbose: boolean): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const extra = fields !== undefined && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    err.write(`intake: ${level}: ${message}${extra}\n`);
  };
  return {
    debug: (message, fields) => verbose && write('debug', message, fields),
    info: (message, fields) => verbose && write('info', message, fields),
    warn: (message, fields) => verbose && write('warning', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
