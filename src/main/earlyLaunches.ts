/**
 * Files handed to Intake before it is ready: macOS sends open-file before
 * 'ready', and a second launch can arrive while the first one is still
 * starting. Both are collected from the very start and handed over once the
 * shell has registered its own handlers, so no gap loses a file.
 */
import type { App } from 'electron';
import { pathsFromArgv } from '../core/desktop/launchArgs';

export class EarlyLaunches {
  private paths: string[] = [];
  private readonly onOpenFile = (event: { preventDefault(): void }, path: string) => {
    event.preventDefault();
    this.paths.push(path);
  };
  private readonly onSecondInstance = (_event: unknown, argv: string[], workingDirectory: string) => {
    this.paths.push(...pathsFromArgv(argv, { workingDirectory, ignore: this.ignore }));
  };

  constructor(
    private readonly app: Pick<App, 'on' | 'removeListener'>,
    private readonly ignore: string[],
  ) {
    app.on('open-file', this.onOpenFile);
    app.on('second-instance', this.onSecondInstance);
  }

  /** Stops collecting and returns what came (call after the shell's own handlers are registered). */
  take(): string[] {
    this.app.removeListener('open-file', this.onOpenFile);
    this.app.removeListener('second-instance', this.onSecondInstance);
    const paths = this.paths;
    this.paths = [];
    return paths;
  }
}
