/**
 * electron-updater behind core's UpdaterPort. The feed is electron-builder.yml's
 * `publish` (generic provider; electron-builder writes it into the package as
 * app-update.yml) unless the administrator's policy names a feed URL; a policy
 * channel pins the channel. Downloads start on their own, in the background;
 * the decision to install is the UpdateController's.
 */
import type { AppUpdater, UpdateDownloadedEvent } from 'electron-updater';
import { toDisposable } from '../../core/base/lifecycle';
import type { Logger } from '../../core/base/logger';
import type { UpdatePolicy } from '../../core/policy/managedPolicy';
import type { UpdaterPort } from '../../core/updates/updateController';

export function electronUpdaterPort(updater: AppUpdater, policy: UpdatePolicy, logger: Logger): UpdaterPort {
  updater.autoDownload = true;
  updater.allowDowngrade = false;
  updater.logger = {
    info: (message?: unknown) => logger.info(`updater: ${String(message)}`),
    warn: (message?: unknown) => logger.warn(`updater: ${String(message)}`),
    error: (message?: unknown) => logger.error(`updater: ${String(message)}`),
    debug: (message: string) => logger.debug(`updater: ${message}`),
  };
  if (policy.feedUrl !== null) updater.setFeedURL({ provider: 'generic', url: policy.feedUrl, ...(policy.channel !== null && { channel: policy.channel }) });
  if (policy.channel !== null) updater.channel = policy.channel;
  return {
    check: async () => {
      await updater.checkForUpdates();
    },
    onDownloaded: (listener) => {
      const handler = (event: UpdateDownloadedEvent) => listener(event.version);
      updater.on('update-downloaded', handler);
      return toDisposable(() => updater.off('update-downloaded', handler));
    },
    install: () => updater.quitAndInstall(),
  };
}
