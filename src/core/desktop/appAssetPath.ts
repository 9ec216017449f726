/**
 * Mapping an app:// request to a file of the built UI. Only files under the
 * UI folder are served; `..`, encoded separators, absolute paths and other
 * hosts are refused, so a compromised page cannot read the disk through us.
 */
import { extname, relative, resolve, sep, isAbsolute } from 'node:path';
import { APP_HOST } from './senderPolicy';

export function appAssetPath(requestUrl: string, rootDir: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relativePath = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = resolve(rootDir);
  const target = resolve(root, relativePath);
  const rel = relative(root, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  return target;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

const CSP_DIRECTIVES = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
];

/** The production CSP header: the renderer has no network at all (DESIGN.md). */
export const PRODUCTION_CSP = [...CSP_DIRECTIVES, "frame-ancestors 'none'"].join('; ');

/**
 * The same policy as a <meta> tag in the built index.html (a second line of
 * defence should the page ever be loaded without our header). frame-ancestors
 * is left out: browsers ignore it in a meta tag and log an error for it.
 */
export const META_CSP = CSP_DIRECTIVES.join('; ');

/**
 * Development only (the Vite dev server): its client needs an inline
 * preamble and a WebSocket back to the dev server for hot reload. Never used
 * for the app:// UI.
 */
export function devServerCsp(devServerUrl: string): string {
  const origin = new URL(devServerUrl);
  const socket = `${origin.protocol === 'https:' ? 'wss' : 'ws'}://${origin.host}`;
  return [
    "default-src 'none'",
    `script-src 'self' 'unsafe-inline'`,
    `style-src 'self' 'unsafe-inline'`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${socket}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
}
