/**
 * The `intake` dialect's transport (IntakeTransport) against a throwaway real
 * ws server: the frames the backend receives for a subscribe and an
 * unsubscribe, and how each PROTOCOL.md §3 frame reaches the engine. The two
 * that matter most here: an `error` (naming the job it refuses, or not), and
 * the `unsubscribed` ack, which the engine neither acts on nor counts as a bad
 * frame. Timers on a fake clock nobody advances.
 */
import { describe, expect, it } from 'vitest';
import { IntakeTransport } from '../../../src/core/connection/intakeTransport';
import { DEFAULT_CONNECTION_TIMINGS } from '../../../src/core/connection/timings';
import type { DownReason, Inbound } from '../../../src/core/connection/transport';
import { defaultNetwork } from '../../../src/core/network/network';
import { FakeClock } from '../../support/fakeClock';
import { useGenerationRig } from './generationRig';
import { waitUntil } from './waitUntil';

const { server, defer } = useGenerationRig();

async function openIntake() {
  const backend = await server();
  const seen = { open: 0, inbound: [] as Inbound[], downs: [] as DownReason[] };
  const t = new IntakeTransport({
    id: 4,
    url: backend.url,
    token: 'tok',
    network: defaultNetwork(),
    clock: new FakeClock(),
    timings: DEFAULT_CONNECTION_TIMINGS,
    events: {
      open: () => void (seen.open += 1),
      inbound: (_t, message) => void seen.inbound.push(message),
      down: (_t, why) => void seen.downs.push(why),
      healthy: () => undefined,
    },
  });
  defer(() => t.dispose());
  await waitUntil(() => (seen.open === 1 && backend.peers.length === 1) || seen.downs.length > 0, 'open');
  expect(seen.downs).toEqual([]);
  const peer = backend.peers[0]!;
  const received: unknown[] = [];
  peer.on('message', (data) => void received.push(JSON.parse(String(data))));
  return { t, seen, peer, received };
}

describe('IntakeTransport', () => {
  it('subscribe and unsubscribe reach the backend as the protocol frames', async () => {
    const { t, received } = await openIntake();
    expect(t.subscribe('job-1')).toBe(true);
    expect(t.unsubscribe('job-1')).toBe(true);
    await waitUntil(() => received.length === 2, 'two frames');
    expect(received).toEqual([
      { type: 'subscribe', jobId: 'job-1' },
      { type: 'unsubscribe', jobId: 'job-1' },
    ]);
  });

  it.each([
    ['an error naming the job it refuses', { type: 'error', message: 'unknown job', jobId: 'job-9' }, { kind: 'error', jobId: 'job-9' }],
    ['an error about no job (a bad client message)', { type: 'error', message: 'bad message' }, { kind: 'error' }],
    ['the ack of an unsubscribe', { type: 'unsubscribed', jobId: 'job-1', timestamp: '2026-01-01T00:00:00Z' }, { kind: 'ignored' }],
    ['a subscribe ack without a snapshot', { type: 'subscribed', jobId: 'job-1', timestamp: '2026-01-01T00:00:00Z' }, { kind: 'ack', jobId: 'job-1', snapshot: null }],
    [
      'a status update',
      { type: 'status_update', jobId: 'job-1', status: 'processing', phase: 'ocr', message: 'reading', timestamp: '2026-01-01T00:00:01Z' },
      { kind: 'update', update: { jobId: 'job-1', status: 'processing', phase: 'ocr', message: 'reading', timestamp: '2026-01-01T00:00:01Z' } },
    ],
    ['a frame of an unknown type', { type: 'surprise' }, { kind: 'bad', reason: 'unknown_type' }],
  ] as const)('%s reaches the engine as exactly that, and the socket stays up', async (_what, frame, expected) => {
    const { t, seen, peer } = await openIntake();
    peer.send(JSON.stringify(frame));
    await waitUntil(() => seen.inbound.length === 1, 'one frame');
    expect(seen.inbound).toEqual([expected]);
    expect(t.isOpen).toBe(true);
    expect(seen.downs).toEqual([]);
  });
});
