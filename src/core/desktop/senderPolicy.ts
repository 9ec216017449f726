/**
 * Which renderer may call main: only our window's main frame showing our own
 * UI. An iframe, a navigated-away page or a devtools extension page must not
 * reach the queue, even though it runs in the same WebContents.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'intake';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export interface TrustedOrigins {
  /** The Vite dev server's URL in development only; null in production. */
  devServerUrl: string | null;
}

export function isTrustedUiUrl(url: string, origins: TrustedOrigins): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (`${parsed.protocol}//${parsed.host}` === APP_ORIGIN) return true;
  if (origins.devServerUrl) {
    try {
      return parsed.origin === new URL(origins.devServerUrl).origin;
    } catch {
      return false;
    }
  }
  return false;
}
