/**
 * The application menu. macOS gets the standard app, edit and window menus
 * (Cmd+Q quits through the same clean shutdown as the tray's Quit). Elsewhere
 * a production build has no menu bar: Reload and DevTools accelerators are
 * not for users, and the tray is where Intake is opened and quit.
 */
import { Menu } from 'electron';

export function installApplicationMenu(platform: NodeJS.Platform, development: boolean): void {
  if (platform === 'darwin') {
    Menu.setApplicationMenu(Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]));
    return;
  }
  if (!development) Menu.setApplicationMenu(null);
}
