/**
 * The `app://intake/` scheme that serves the built UI in production, instead
 * of file:// (which would give the page the whole disk's origin). Only files
 * under the UI folder are served, each with the strict CSP header.
 */
import { readFile, realpath } from 'node:fs/promises';
import { relative, isAbsolute } from 'node:path';
import type { Protocol } from 'electron';
import { APP_SCHEME } from '../../core/desktop/senderPolicy';
import { appAssetPath, contentTypeFor, PRODUCTION_CSP } from '../../core/desktop/appAssetPath';

/** Must run before app 'ready': a standard, secure scheme gets a real origin for the CSP's 'self'. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => respond(request.url, rendererDir));
}

export async function respond(url: string, rendererDir: string): Promise<Response> {
  const path = appAssetPath(url, rendererDir);
  if (!path) return notFound();
  try {
    // A symlink inside the folder must not lead outside it.
    const [realRoot, realFile] = await Promise.all([realpath(rendererDir), realpath(path)]);
    const rel = relative(realRoot, realFile);
    if (rel.startsWith('..') || isAbsolute(rel)) return notFound();
    const body = await readFile(realFile);
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': contentTypeFor(realFile),
        'Content-Security-Policy': PRODUCTION_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
    });
  } catch {
    return notFound();
  }
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain', 'Content-Security-Policy': PRODUCTION_CSP } });
}
