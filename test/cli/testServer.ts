// The real reference server in this test process (closed when the test ends), with short phases.
import type { ReferenceServer, ReferenceServerOptions } from '../../src/server/index';
import { startServer } from '../support/referenceServer';

export function startTestServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  return startServer({ phaseMs: 50, ...options });
}
