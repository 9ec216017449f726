/**
 * Start at login. Electron's login items cover macOS and Windows; Linux
 * desktops follow the XDG autostart spec instead: a `.desktop` file in
 * `$XDG_CONFIG_HOME/autostart` (default ~/.config/autostart), written when
 * the setting is on and removed when it is off. Every OS launches Intake
 * with STARTED_AT_LOGIN_ARG, so a login start shows the tray only.
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const STARTED_AT_LOGIN_ARG = '--started-at-login';
export const AUTOSTART_FILE_NAME = 'org.intake.desktop.desktop';

/** The OS's record of "start Intake at login". */
export interface LoginItem {
  enabled(): boolean;
  set(enabled: boolean): void;
}

/** This launch came from the login item (our argument; macOS also reports it itself). */
export function startedAtLogin(argv: readonly string[]): boolean {
  return argv.includes(STARTED_AT_LOGIN_ARG);
}

export function autostartDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(config, 'autostart');
}

/** Desktop Entry spec: an argument with a space or a reserved character is double-quoted, and ", `, $, \ escaped. */
function execArgument(value: string): string {
  if (/^[\w/.+:=@%-]+$/.test(value)) return value;
  return `"${value.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(execPath: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Intake',
    'Comment=Upload chart documents and follow their processing',
    `Exec=${execArgument(execPath)} ${STARTED_AT_LOGIN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Linux: the autostart entry for this executable (for an AppImage, the AppImage file, not its mount). */
export function xdgLoginItem({ dir, execPath }: { dir: string; execPath: string }): LoginItem {
  const file = join(dir, AUTOSTART_FILE_NAME);
  return {
    enabled: () => {
      try {
        return statSync(file).isFile();
      } catch {
        return false;
      }
    },
    set: (enabled) => {
      if (!enabled) return rmSync(file, { force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, autostartEntry(execPath), { mode: 0o644 });
    },
  };
}
