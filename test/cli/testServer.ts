// The real reference server, in this test process, closed after each test.
import { afterEach } from 'vitest';
import { startReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '../../src/server/index';

const open: ReferenceServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

export async function startTestServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const server = await startReferenceServer({ phaseMs: 50, ...options });
  open.push(server);
  return server;
}
