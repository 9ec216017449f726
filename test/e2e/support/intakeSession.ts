/** One running Intake for a scenario: the real core behind the bridge, the built UI in Chromium. */
import { openApp, type AppHarness } from './appHarness';
import { startCoreBackend, type CoreBackend, type CoreBackendOptions } from './coreBackend';

export interface IntakeSession {
  core: CoreBackend;
  app: AppHarness;
  close(): Promise<void>;
}

export async function startSession(options: CoreBackendOptions, view: Parameters<typeof openApp>[1] = {}): Promise<IntakeSession> {
  const core = await startCoreBackend(options);
  const app = await openApp(core.handler, { ...view, trust: core.trust, onDropped: core.dropped });
  core.attach(app.bridge);
  return {
    core,
    app,
    close: async () => {
      await app.close();
      await core.close();
    },
  };
}
