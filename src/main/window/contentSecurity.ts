/**
 * Electron's security checklist, the parts that apply to every web contents
 * and the session: no navigation, no new windows, no webviews, no permission
 * ever granted (the UI needs none).
 */
import type { Session, WebContents } from 'electron';
import type { Logger } from '../../core/base/logger';

export function hardenWebContents(contents: WebContents, logger: Logger): void {
  // The UI is a single page: any navigation (a dropped file, a link, a
  // script) would replace it with content that inherits the preload.
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    logger.warn('Blocked a navigation of the Intake window');
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
    logger.warn('Blocked a redirect of the Intake window');
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logger.warn('Blocked a <webview>');
  });
  contents.setWindowOpenHandler(() => {
    logger.warn('Blocked a new window');
    return { action: 'deny' };
  });
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
