/**
 * What a clinic's server settings give the socket (openTransport): the
 * dialect picks a plain WebSocket (`intake`) or Socket.IO, and the URL, the
 * token and the attempt's id reach that socket. Against the real reference
 * server in each dialect; timers on a fake clock nobody advances.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { openTransport, type TransportOptions } from '../../../src/core/connection/openTransport';
import { DEFAULT_CONNECTION_TIMINGS } from '../../../src/core/connection/timings';
import type { DownReason, Inbound, Transport } from '../../../src/core/connection/transport';
import { defaultNetwork } from '../../../src/core/network/network';
import { INTAKE_DIALECT, SOCKETIO_EVENTS, SOCKETIO_ROOMS, type Dialect } from '../../../src/shared/dialect';
import { startServer } from '../../support/referenceServer';
import { FakeClock } from '../../support/fakeClock';
import { uploadJob } from './uploadJobs';
import { uploadDialectJob } from './dialectUploads';
import { waitUntil } from './waitUntil';

function open(settings: { url: string; token: string | null; dialect: Dialect; id?: number }) {
  const seen = { opened: [] as Transport[], inbound: [] as Inbound[], downs: [] as DownReason[] };
  const options: TransportOptions = {
    id: settings.id ?? 1,
    url: settings.url,
    token: settings.token,
    dialect: settings.dialect,
    network: defaultNetwork(),
    clock: new FakeClock(),
    timings: DEFAULT_CONNECTION_TIMINGS,
    events: {
      open: (t) => void seen.opened.push(t),
      inbound: (_t, message) => void seen.inbound.push(message),
      down: (_t, why) => void seen.downs.push(why),
      healthy: () => undefined,
    },
  };
  const transport = openTransport(options);
  onTestFinished(() => transport.dispose());
  return { transport, seen };
}

describe('openTransport', () => {
  it('an intake server gets a plain WebSocket: it opens with the token, acknowledges a subscribe, and a missing ack means reconnect', async () => {
    const server = await startServer({ phaseMs: 60_000, token: 'clinic-token' });
    const job = await uploadJob(server.url, 'OPEN-INTAKE', 'clinic-token');
    const { transport, seen } = open({ url: server.wsUrl, token: 'clinic-token', dialect: INTAKE_DIALECT, id: 7 });
    expect(transport.id).toBe(7);
    expect(transport.missingAck).toBe('reconnect');
    await waitUntil(() => seen.opened.length === 1 || seen.downs.length > 0, 'opened');
    expect(seen.downs).toEqual([]);
    expect(seen.opened[0]).toBe(transport);
    expect(transport.isOpen).toBe(true);
    // No batches in the intake contract.
    expect(transport.subscribeBatch('batch-1')).toBe(false);
    expect(transport.subscribe(job.jobId)).toBe(true);
    await waitUntil(() => seen.inbound.some((m) => m.kind === 'ack'), 'subscribe acknowledged');
    expect(seen.inbound.find((m) => m.kind === 'ack')).toMatchObject({ kind: 'ack', jobId: job.jobId });
    expect(server.stats.wsConnections).toBe(1);
  });

  it('an intake server refusing the token ends the attempt as an auth failure', async () => {
    const server = await startServer({ phaseMs: 60_000, token: 'clinic-token' });
    const { seen } = open({ url: server.wsUrl, token: 'old-token', dialect: INTAKE_DIALECT });
    await waitUntil(() => seen.downs.length === 1, 'refused');
    expect(seen.downs[0]?.auth).toBe(true);
    expect(seen.opened).toEqual([]);
  });

  it.each([
    ['socketio-rooms', SOCKETIO_ROOMS],
    ['socketio-events', SOCKETIO_EVENTS],
  ] as const)('a %s server gets Socket.IO at its endpoint, with the token; and a missing join ack is taken as joined', async (_name, dialect) => {
    const server = await startServer({ phaseMs: 60_000, dialect, token: 'clinic-token' });
    const job = await uploadDialectJob(server.url, dialect, 'OPEN-SIO', { token: 'clinic-token' });
    const { transport, seen } = open({ url: server.socketIoUrl!, token: 'clinic-token', dialect, id: 3 });
    expect(transport.id).toBe(3);
    expect(transport.missingAck).toBe('assume');
    await waitUntil(() => seen.opened.length === 1 || seen.downs.length > 0, 'opened');
    expect(seen.downs).toEqual([]);
    expect(transport.isOpen).toBe(true);
    expect(transport.subscribe(job.jobId)).toBe(true);
    await waitUntil(() => seen.inbound.some((m) => m.kind === 'ack'), 'join acknowledged');
    expect(seen.inbound.find((m) => m.kind === 'ack')).toMatchObject({ kind: 'ack', jobId: job.jobId });
  });

  it('a Socket.IO server refusing the token ends the attempt as an auth failure', async () => {
    const server = await startServer({ phaseMs: 60_000, dialect: SOCKETIO_EVENTS, token: 'clinic-token', authRefusal: 'connect_error' });
    const { seen } = open({ url: server.socketIoUrl!, token: 'old-token', dialect: SOCKETIO_EVENTS });
    await waitUntil(() => seen.downs.length === 1, 'refused');
    expect(seen.downs[0]?.auth).toBe(true);
  });

  it('throws at once on a URL the dialect cannot use (the caller counts a failed attempt)', () => {
    expect(() => open({ url: 'ftp://127.0.0.1/nope', token: null, dialect: INTAKE_DIALECT })).toThrow();
    expect(() => open({ url: 'not a url', token: null, dialect: SOCKETIO_ROOMS })).toThrow();
  });
});
