/**
 * Renders the pure tray model (src/core/tray/trayModel.ts) with Electron's
 * Tray and Menu. Rebuilds only what changed: a context menu rebuilt on every
 * progress tick flickers on some Linux trays.
 */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { TrayAction, TrayIcon, TrayModel } from '../../core/tray/trayModel';

export interface TrayControllerOptions {
  /** Folder with idle.png, working.png, error.png, offline.png (and @2x variants). */
  iconDir: string;
  /** macOS menu bar: the monochrome `<state>Template.png` images, tinted by the OS. */
  template?: boolean;
  onAction: (action: TrayAction) => void;
  onJob: (id: string) => void;
  /** Files dropped on the tray icon (macOS menu bar). */
  onDropFiles: (paths: string[]) => void;
  /** Sees every model rendered (the smoke test's call log). */
  observe?: (model: TrayModel) => void;
}

export class TrayController {
  private tray: Tray | null = null;
  private icon: TrayIcon | null = null;
  private tooltip: string | null = null;
  private menuKey: string | null = null;

  constructor(private readonly options: TrayControllerOptions) {}

  render(model: TrayModel): void {
    this.options.observe?.(model);
    if (!this.tray) {
      this.tray = new Tray(this.image(model.icon));
      this.icon = model.icon;
      // Windows and most Linux trays: a click on the icon shows the window.
      this.tray.on('click', () => this.options.onAction('show'));
      this.tray.on('drop-files', (_event, paths: string[]) => this.options.onDropFiles(paths));
    } else if (model.icon !== this.icon) {
      this.tray.setImage(this.image(model.icon));
      this.icon = model.icon;
    }
    if (model.tooltip !== this.tooltip) {
      this.tray.setToolTip(model.tooltip);
      this.tooltip = model.tooltip;
    }
    const menuKey = JSON.stringify(model.menu);
    if (menuKey !== this.menuKey) {
      this.tray.setContextMenu(Menu.buildFromTemplate(model.menu.map((item) => this.menuItem(item))));
      this.menuKey = menuKey;
    }
  }

  dispose(): void {
    this.tray?.destroy();
    this.tray = null;
  }

  private image(icon: TrayIcon) {
    const file = this.options.template ? `${icon}Template.png` : `${icon}.png`;
    return nativeImage.createFromPath(join(this.options.iconDir, file));
  }

  private menuItem(item: TrayModel['menu'][number]): MenuItemConstructorOptions {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'job':
        return { label: item.label, click: () => this.options.onJob(item.id) };
      case 'action':
        return { label: item.label, click: () => this.options.onAction(item.action) };
    }
  }
}
