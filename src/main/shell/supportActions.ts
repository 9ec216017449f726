/**
 * Tray and Settings → "Open log folder" and "Save diagnostics…". The report
 * itself is core's (diagnosticsReport.ts); this gathers the values, asks
 * where to save in main's own dialog (the page never names a path) and
 * writes the file for its owner only.
 */
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { arch, release } from 'node:os';
import type { Logger } from '../../core/base/logger';
import type { Clock } from '../../core/clock';
import { diagnosticsReport } from '../../core/diagnostics/diagnosticsReport';
import type { Engine } from '../../core/engine/ports';
import { lastLogLines } from '../../core/logging/fileLogger';
import type { SettingsRepository } from '../persistence/settingsRepository';
import { IpcFailure } from '../ipc/ipcFailure';

export const DIAGNOSTICS_LOG_LINES = 200;

export interface SupportActionsOptions {
  engine: Engine;
  settings: SettingsRepository;
  clock: Clock;
  logger: Logger;
  /** The log file in use; null when only the console is logged to. */
  logFile: string | null;
  versions: Record<string, string>;
  /** Main's save dialog; null when cancelled. */
  pickSaveFile: (suggestedName: string) => Promise<string | null>;
  /** shell.openPath: '' on success, else the OS's error text. */
  openFolder: (path: string) => Promise<string>;
}

export class SupportActions {
  constructor(private readonly o: SupportActionsOptions) {}

  async openLogFolder(): Promise<void> {
    if (this.o.logFile === null) throw new IpcFailure('unavailable', 'Intake is not writing a log file in this session.');
    const problem = await this.o.openFolder(dirname(this.o.logFile));
    if (problem !== '') throw new IpcFailure('unavailable', `The log folder could not be opened: ${problem}`);
  }

  /** True when a file was written, false when the dialog was cancelled. */
  async saveDiagnostics(): Promise<boolean> {
    const { o } = this;
    const at = new Date(o.clock.now());
    const target = await o.pickSaveFile(`intake-diagnostics-${at.toISOString().slice(0, 10)}.txt`);
    if (target === null) return false;
    const { queue, connection, server } = o.engine;
    const report = diagnosticsReport({
      at,
      versions: o.versions,
      os: { platform: process.platform, release: release(), arch: arch() },
      settings: o.settings.settings,
      hasToken: o.settings.view().hasToken,
      token: o.settings.token(),
      policy: o.settings.policy,
      server: { demo: server.demo },
      connection: connection.state,
      jobs: queue.snapshot(),
      paused: queue.paused,
      logLines: o.logFile === null ? [] : lastLogLines(o.logFile, DIAGNOSTICS_LOG_LINES),
    });
    try {
      await writeFile(target, report, { mode: 0o600 });
    } catch (error) {
      throw new IpcFailure('unavailable', `The diagnostics file could not be saved (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    o.logger.info('Diagnostics saved');
    return true;
  }
}
