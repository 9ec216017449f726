/**
 * Which backend the core talks to. With no server configured (first run),
 * the bundled reference server runs in-process on a loopback port and is
 * labelled "demo"; configuring a real server stops it. Only the engine asks
 * it (IntakeEngine.setServer). Without a way to start a demo server (the
 * CLI), a missing server URL is refused.
 */
import type { Logger } from '../base/logger';

export interface DemoServer {
  readonly url: string;
  close(): Promise<void>;
}

export type StartDemoServer = (options: { port: 0; dataDir: string }) => Promise<DemoServer>;

export interface Backend {
  baseUrl: string;
  demo: boolean;
}

export class BackendSelector {
  private demo: DemoServer | null = null;
  private starting: Promise<DemoServer> | null = null;

  constructor(
    private readonly startDemoServer: StartDemoServer | null,
    private readonly demoDataDir: string,
    private readonly logger: Logger,
  ) {}

  /** The backend for this server URL (null = demo). Starts or stops the demo server as needed. */
  async select(serverUrl: string | null): Promise<Backend> {
    if (serverUrl === null) {
      const demo = await this.ensureDemo();
      return { baseUrl: demo.url, demo: true };
    }
    await this.stopDemo();
    return { baseUrl: serverUrl, demo: false };
  }

  async dispose(): Promise<void> {
    await this.stopDemo();
  }

  private async ensureDemo(): Promise<DemoServer> {
    if (this.demo) return this.demo;
    const start = this.startDemoServer;
    if (start === null) throw new Error('No server URL was given.');
    // Two quick selects must not start two servers.
    this.starting ??= start({ port: 0, dataDir: this.demoDataDir }).finally(() => {
      this.starting = null;
    });
    this.demo = await this.starting;
    this.logger.info('Demo server started on loopback');
    return this.demo;
  }

  private async stopDemo(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    const demo = this.demo;
    this.demo = null;
    if (!demo) return;
    await demo.close();
    this.logger.info('Demo server stopped');
  }
}
