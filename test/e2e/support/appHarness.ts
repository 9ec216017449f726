/**
 * Opens the built renderer in real Chromium the way the app shows it: served
 * over loopback HTTP with the production Content-Security-Policy header, so
 * anything the CSP forbids (inline script, remote font, a fetch) fails the
 * test through the console-error list instead of passing silently.
 */
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PRODUCTION_CSP } from '../../../src/core/desktop/appAssetPath';
import { installBridge, type BridgeHandler, type DroppedPathHandler, type InstalledBridge } from '../../support/testBridge';
import { buildRenderer } from './rendererBuild';


const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };
export const RESULTS_DIR = resolve(import.meta.dirname, '../../../test-results');

/** Document bytes for the test bridge, each served once as a script (see BytesPublisher). */
const BYTES_PREFIX = '/__intake-bytes/';

async function serveStatic(root: string, published: Map<string, string>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const base64 = published.get(path);
    if (base64 !== undefined) {
      published.delete(path);
      response.writeHead(200, { 'Content-Type': 'text/javascript', 'Content-Security-Policy': PRODUCTION_CSP });
      return void response.end(`globalThis.__intakeBytesLoaded(${JSON.stringify(path)}, "${base64}");`);
    }
    // Chromium asks every site for a favicon; Electron's app:// window never does.
    if (path === '/favicon.ico') return void response.writeHead(204).end();
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root)) return void response.writeHead(403).end();
    try {
      const body = readFileSync(file);
      response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': PRODUCTION_CSP });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

export interface AppHarness {
  page: Page;
  context: BrowserContext;
  bridge: InstalledBridge;
  /** Console errors, page errors and CSP violations seen so far. */
  errors: string[];
  reload(): Promise<void>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface OpenAppOptions {
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** Told the app's URL before the page loads (its first call comes at once): main's sender check trusts only it. */
  trust?: (appUrl: string) => void;
  /** Main's side of the preload's dropped-file report. */
  onDropped?: DroppedPathHandler;
}

export async function openApp(handler: BridgeHandler, options: OpenAppOptions = {}): Promise<AppHarness> {
  const root = await buildRenderer();
  const published = new Map<string, string>();
  let nextBytes = 0;
  const { server, url } = await serveStatic(root, published);
  const profile = mkdtempSync(join(tmpdir(), 'intake-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: options.viewport ?? { width: 1200, height: 780 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => message.type() === 'error' && errors.push(`console: ${message.text()}`));
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  };
  const bridge = await installBridge(context, handler, () => context.pages(), options.onDropped, (base64) => {
    const path = `${BYTES_PREFIX}${++nextBytes}.js`;
    published.set(path, base64);
    return path;
  });
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  context.on('page', watch);
  options.trust?.(url);
  await page.goto(url);
  mkdirSync(RESULTS_DIR, { recursive: true });
  return {
    page,
    context,
    bridge,
    errors,
    reload: async () => void (await page.reload()),
    screenshot: async (name) => {
      const path = join(RESULTS_DIR, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    close: async () => {
      await context.close();
      await new Promise((done) => server.close(done));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
