/**
 * Start at login per OS: Electron's login item on macOS and Windows (with
 * our argument, so a login start shows the tray only), the XDG autostart
 * entry on Linux, where Electron has none.
 */
import { homedir } from 'node:os';
import type { App } from 'electron';
import { STARTED_AT_LOGIN_ARG, autostartDir, xdgLoginItem, type LoginItem } from '../../core/desktop/autostart';

export function electronLoginItem(app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>): LoginItem {
  return {
    enabled: () => app.getLoginItemSettings().openAtLogin,
    set: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args: [STARTED_AT_LOGIN_ARG] }),
  };
}

export function platformLoginItem(app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): LoginItem {
  if (platform !== 'linux') return electronLoginItem(app);
  // An AppImage runs from a temporary mount: the login entry must start the AppImage file itself.
  return xdgLoginItem({ dir: autostartDir(env, homedir()), execPath: env.APPIMAGE || process.execPath });
}
