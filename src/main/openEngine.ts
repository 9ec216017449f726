/**
 * The app's engine: in its own process (the core host, Electron's
 * utilityProcess) when main is given one, else in main's process (the shell's
 * wiring tests, or a core process that could not start, which the log names).
 * Either way the shell gets the same Engine, and one way to change the
 * network: `applyNetwork`, which forgets proxy credentials given for another
 * proxy first.
 */
import type { Session } from 'electron';
import type { Logger } from '../core/base/logger';
import type { Clock } from '../core/clock';
import { IntakeEngine } from '../core/engine/IntakeEngine';
import { applyEngineV8Flags } from '../core/host/engineV8Flags';
import type { Engine } from '../core/engine/ports';
import type { HotFolderNotice } from '../core/hotFolder/HotFolderSupervisor';
import { RemoteEngine } from '../core/host/RemoteEngine';
import { appNetwork, networkSettings, type NetworkSettings } from '../core/network/appNetwork';
import type { Network } from '../core/network/network';
import type { ProxyLogin } from '../core/network/proxyLogin';
import type { LegacyQueueSource } from '../core/persistence/journalQueueStore';
import { loadBackend } from '../core/dialect/backendChoice';
import { INTAKE_DIALECT } from '../shared/dialect';
import type { BootstrapOptions } from './bootstrap';
import type { SettingsRepository } from './persistence/settingsRepository';

export interface OpenEngineDeps {
  options: Pick<BootstrapOptions, 'coreHost' | 'engineParts' | 'openQueueStore' | 'startDemoServer'>;
  settings: SettingsRepository;
  proxyLogin: ProxyLogin;
  session: Pick<Session, 'resolveProxy'>;
  /** Where an older version kept the queue (electron-store); opened only when asked. */
  legacyQueue: () => LegacyQueueSource;
  demoDataDir: string;
  onHotFolderNotice: (notice: HotFolderNotice) => void;
  /** The core process kept ending without being asked to, and is not started again. */
  onHostLost: () => void;
  clock: Clock;
  logger: Logger;
}

export interface OpenedEngine {
  engine: Engine;
  /** Builds the network for these settings and puts it in use; rejects, changing nothing, when it cannot be built. */
  applyNetwork: (settings: NetworkSettings) => Promise<void>;
}

export async function openEngine(deps: OpenEngineDeps): Promise<OpenedEngine> {
  const { options, settings, proxyLogin, logger } = deps;
  let builtFor: NetworkSettings = settings.settings;
  /** Credentials belong to the proxy they were given for: another proxy setting forgets them. */
  const networkChanging = (current: NetworkSettings): void => {
    if (current.proxyMode !== builtFor.proxyMode || current.proxyUrl !== builtFor.proxyUrl) proxyLogin.reset();
    builtFor = current;
  };
  const dialect = await loadBackend(settings.settings.backend).catch((error: unknown) => {
    // A dialect file gone or changed since it was chosen: say so, and speak intake until another is chosen.
    logger.warn('the dialect file cannot be used', { error: (error as Error)?.name });
    return INTAKE_DIALECT;
  });
  const choice = { serverUrl: settings.settings.serverUrl, webSocketUrl: settings.settings.webSocketUrl, token: settings.token(), dialect };
  const queue = { concurrency: settings.settings.uploadConcurrency, historySize: settings.settings.historySize };

  const remote = options.coreHost && !options.engineParts ? await openRemote(options.coreHost) : null;
  if (remote !== null) {
    return {
      engine: remote,
      applyNetwork: (current) => {
        networkChanging(current);
        return remote.setNetwork({ settings: networkSettings(current), login: proxyLogin.saved });
      },
    };
  }

  const networkDeps = {
    session: deps.session,
    logger,
    proxyCredentials: (proxy: string) => proxyLogin.credentials(proxy),
    onProxyAuthRequired: (proxy: string, sent: Parameters<ProxyLogin['required']>[1]) => proxyLogin.required(proxy, sent),
  };
  const makeNetwork = (current: NetworkSettings): Promise<Network> => {
    networkChanging(current);
    return appNetwork(current, networkDeps);
  };
  // The engine runs in this process (its own could not start): with the V8 settings of every process it runs in.
  applyEngineV8Flags();
  const local = await IntakeEngine.open({
    choice,
    network: await makeNetwork(settings.settings).catch((error: unknown) => {
      // A custom CA file gone since it was set: start with the OS store and Node's roots, and say so.
      logger.warn('the custom CA file cannot be used', { error: (error as Error)?.message });
      return appNetwork({ ...settings.settings, caFile: null }, networkDeps);
    }),
    store: options.openQueueStore(deps.legacyQueue()),
    clock: deps.clock,
    logger,
    demo: { start: options.startDemoServer, dataDir: deps.demoDataDir },
    queue,
    notifications: { chartNumbers: () => settings.settings.chartNumbersInNotifications },
    hotFolder: { onNotice: deps.onHotFolderNotice },
    ...(options.engineParts && { parts: options.engineParts }),
  });
  return { engine: local, applyNetwork: async (current) => local.setNetwork(await makeNetwork(current)) };

  /** The engine in its own process; null (it then runs here, and the log says why) when that process cannot start. */
  async function openRemote(host: NonNullable<BootstrapOptions['coreHost']>): Promise<RemoteEngine | null> {
    try {
      return await RemoteEngine.open({
        connect: host.open,
        config: {
          choice,
          network: { settings: networkSettings(settings.settings), login: proxyLogin.saved },
          queueDir: host.queueDir,
          legacyQueue: true,
          demoDataDir: deps.demoDataDir,
          queue,
          chartNumbersInNotifications: settings.settings.chartNumbersInNotifications,
          hotFolder: true,
        },
        logger,
        resolveProxy: (url) => deps.session.resolveProxy(url),
        legacyQueue: deps.legacyQueue(),
        onHotFolderNotice: deps.onHotFolderNotice,
        onProxyAuthRequired: ({ proxy, sent }) => proxyLogin.required(proxy, sent),
        onHostLost: deps.onHostLost,
      });
    } catch (error) {
      logger.error('the core process could not start; running the engine in the main process', { error: (error as Error)?.message });
      return null;
    }
  }
}
