/**
 * The reference job server of PROTOCOL.md, extensions included: the demo
 * backend of a first run, and the peer of every end-to-end test and benchmark.
 * This is the server's only public entry (main may import nothing else).
 */
export { startReferenceServer } from './referenceServer';
export type {
  JobSummary,
  ReferenceServer,
  ReferenceServerOptions,
  ServerLimits,
  ServerStats,
  UploadFault,
} from './types';
export type { JobResults, StatusBody, StatusJobEntry } from './statusBody';
