/**
 * Electron entry point. Only what must happen before 'ready' lives here (the
 * privileged scheme, the single-instance lock, early open-file events); the
 * rest is bootstrap.ts.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, protocol } from 'electron';
// CommonJS: its exports are reached through the default import; autoUpdater is built when first read.
import electronUpdater from 'electron-updater';
import { systemClock } from '../core/clock';
import { policyFilePath, readPolicyFile } from '../core/policy/policyFile';
import { openFileLogger, teeLogger } from '../core/logging/fileLogger';
import { createJournalQueueStore } from '../core/persistence/journalQueueStore';
import { bootstrap } from './bootstrap';
import { startDemoServer } from './demoServer';
import { openCallLog } from './callLog';
import { openUtilityHost } from './host/utilityHost';
import { createConsoleLogger } from './consoleLogger';
import { EarlyLaunches } from './earlyLaunches';
import { openElectronKeyValueStore } from './persistence/electronKeyValueStore';
import { registerAppScheme } from './window/appProtocol';
import { platformLoginItem } from './system/loginItem';

const here = fileURLToPath(new URL('.', import.meta.url));

// Test hook (unpackaged builds only): a throwaway profile for the smoke test.
if (!app.isPackaged && process.env.INTAKE_USER_DATA) app.setPath('userData', resolve(process.env.INTAKE_USER_DATA));

// Linux ~/.config/Intake/logs, macOS ~/Library/Logs/Intake, Windows %APPDATA%\Intake\logs.
const logFile = (() => {
  try {
    return join(app.getPath('logs'), 'main.log');
  } catch {
    return null;
  }
})();
const logger = logFile === null ? createConsoleLogger() : teeLogger(createConsoleLogger(), openFileLogger({ file: logFile }));

registerAppScheme(protocol);

if (!app.requestSingleInstanceLock()) {
  // Another Intake is running: it receives our argv through 'second-instance'.
  app.quit();
} else {
  const argvIgnore = [process.execPath, app.getAppPath(), ...(app.isPackaged || !process.argv[1] ? [] : [process.argv[1]])];
  const early = new EarlyLaunches(app, argvIgnore);

  app
    .whenReady()
    .then(() => {
      const resources = app.isPackaged ? process.resourcesPath : resolve(app.getAppPath(), 'resources');
      const queueDir = join(app.getPath('userData'), 'queue');
      return bootstrap({
        startDemoServer,
        openStore: openElectronKeyValueStore,
        // The queue left electron-store (one JSON file rewritten whole on every change) for the journal.
        openQueueStore: (legacy) => createJournalQueueStore(queueDir, { legacy, logger }),
        // The engine runs in its own process, so its work never delays the window and IPC here (issue 18).
        coreHost: { open: () => openUtilityHost(resolve(here, 'coreHost.js'), logger), queueDir },
        paths: {
          preload: resolve(here, '../preload/index.cjs'),
          renderer: resolve(here, '../renderer'),
          trayIcons: resolve(resources, 'tray'),
          appIcon: app.isPackaged ? undefined : resolve(resources, 'icon.png'),
        },
        devServerUrl: app.isPackaged ? null : (process.env.ELECTRON_RENDERER_URL ?? null),
        argvIgnore,
        clock: systemClock,
        logger,
        callLog: openCallLog(process.env.INTAKE_TEST_CALL_LOG, app.isPackaged),
        takeEarlyFiles: () => early.take(),
        argv: process.argv,
        cwd: process.cwd(),
        policy: readPolicyFile(policyFilePath(process.platform, process.env)),
        logFile,
        // Unpackaged (development) runs leave the login entry alone: it would start a dev build at every login.
        ...(app.isPackaged && { loginItem: platformLoginItem(app, process.platform, process.env), updater: () => electronUpdater.autoUpdater }),
      });
    })
    .catch((error: unknown) => {
      logger.error('Intake could not start', { error: (error as Error)?.message ?? String(error) });
      app.exit(1);
    });
}
