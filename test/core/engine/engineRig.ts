/**
 * The engine tests' rig: an IntakeEngine over a file queue store in a temp
 * folder, with a logger that keeps the operator's lines, disposed (and its
 * folders removed) after each test.
 */
import { afterEach } from 'vitest';
import type { Logger } from '../../../src/core/base/logger';
import { IntakeEngine, type IntakeEngineOptions } from '../../../src/core/engine/IntakeEngine';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { makeTempDir, type TempDir } from '../../support/files';

/** A logger whose lines read `level message {fields}`, as an operator sees them. */
export function recordingLogger(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  return { lines, logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } };
}

/** Call at the top of a test file: engines opened with the returned helpers are disposed after each test. */
export function engineRig(prefix: string) {
  const dirs: TempDir[] = [];
  const engines: IntakeEngine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.dispose()));
    await Promise.all(dirs.splice(0).map((dir) => dir.remove()));
  });
  const tempDir = async (): Promise<TempDir> => {
    const dir = await makeTempDir(prefix);
    dirs.push(dir);
    return dir;
  };
  /** Opens and starts an engine; `files` is a temp folder for the test's documents. */
  const open = async (options: Partial<IntakeEngineOptions> & Pick<IntakeEngineOptions, 'choice'>) => {
    const files = await tempDir();
    const { lines, logger } = recordingLogger();
    const engine = await IntakeEngine.open({ store: createFileQueueStore(files.path), logger, ...options });
    engines.push(engine);
    await engine.start();
    return { engine, files, lines };
  };
  return { open, tempDir };
}
