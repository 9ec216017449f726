/**
 * The bundled reference server as the app's demo backend. It listens on
 * loopback with a token made for this launch, which only the engine knows:
 * other users of a shared machine and web pages (DNS rebinding, foreign
 * Origin) cannot upload to it or read its jobs.
 */
import { randomBytes } from 'node:crypto';
import type { DemoServer, StartDemoServer } from '../core/engine/backendSelector';
import { startReferenceServer } from '../server/index';

export const startDemoServer: StartDemoServer = async (options): Promise<DemoServer> => {
  const token = randomBytes(32).toString('base64url');
  const server = await startReferenceServer({ ...options, token, log: () => undefined });
  return { url: server.url, token, close: () => server.close() };
};
