/**
 * Which settings changes the user must confirm in a dialog of main's own
 * (never the page's): documents and the token going to another origin, and
 * plain HTTP to a host other than this computer. A page that was compromised,
 * or a typo, must not be able to redirect every running upload silently.
 */
import type { Settings } from '../../shared/settings';

export interface Confirmation {
  title: string;
  message: string;
  detail: string;
  confirmLabel: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The origin documents and the token go to; null for the bundled demo server. */
export function serverOrigin(serverUrl: string | null): string | null {
  if (serverUrl === null || !URL.canParse(serverUrl)) return null;
  return new URL(serverUrl).origin;
}

/** The question to ask before `next` replaces `current`, or null when nothing needs confirming. */
export function serverChangeConfirmation(current: Settings, next: Settings): Confirmation | null {
  const origin = serverOrigin(next.serverUrl);
  // Back to the demo server (on this computer) sends nothing anywhere.
  if (origin === null) return null;
  const insecure = new URL(origin).protocol === 'http:' && !LOOPBACK.has(new URL(origin).hostname);
  if (origin !== serverOrigin(current.serverUrl)) {
    return {
      title: 'Send documents to another server?',
      message: `Send documents to ${origin}?`,
      detail:
        (insecure ? 'This server is reached over plain HTTP: documents and the token cross the network unencrypted. ' : '') +
        'Uploads that are running start over there. The saved token belongs to the previous server and is not sent; enter the token for this server.',
      confirmLabel: 'Use this server',
    };
  }
  if (insecure && !current.allowInsecureHttp && next.allowInsecureHttp) {
    return {
      title: 'Allow unencrypted HTTP?',
      message: `Send documents to ${origin} without encryption?`,
      detail: 'Anyone on the network between this computer and the server can read the documents and the token.',
      confirmLabel: 'Allow plain HTTP',
    };
  }
  return null;
}
