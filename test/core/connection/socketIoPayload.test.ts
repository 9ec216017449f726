/**
 * How a Socket.IO backend's job objects and batch events are read (PROTOCOL.md
 * "Backend dialects"): what is taken, what is refused as the wrong shape, and
 * what is kept as the backend said it, for both built-in dialects.
 */
import { describe, expect, it } from 'vitest';
import { batchFromPayload, idFrom, updateFromJobObject } from '../../../src/core/connection/socketIoPayload';
import { SOCKETIO_EVENTS, SOCKETIO_ROOMS } from '../../../src/shared/dialect';

describe('a job object from a Socket.IO backend', () => {
  it("rooms (seed 002): an integer id, the dialect's field names, the word's meaning as status and phase", () => {
    const update = updateFromJobObject(SOCKETIO_ROOMS, {
      id: 42,
      status: 'processing',
      progress_percent: 37.5,
      error_message: 'OCR page 3',
      updated_at: '2026-12-02T10:00:00Z',
      unknown_field: { ignored: true },
    });
    expect(update).toEqual({ jobId: '42', status: 'processing', phase: 'processing', statusWord: 'processing', message: 'OCR page 3', timestamp: '2026-12-02T10:00:00Z', progress: 37.5 });
  });

  it("events (seed 004): the backend's word is kept beside its meaning", () => {
    expect(updateFromJobObject(SOCKETIO_EVENTS, { job_id: 'j-9', status: 'DELIVERED', progress: 100 })).toEqual({
      jobId: 'j-9',
      status: 'completed',
      phase: 'completed',
      statusWord: 'DELIVERED',
      message: '',
      progress: 100,
    });
    expect(updateFromJobObject(SOCKETIO_EVENTS, { job_id: 'j-9', status: 'ABORTED', message: 'Virus found' })).toMatchObject({ status: 'failed', statusWord: 'ABORTED', message: 'Virus found' });
  });

  it('an unknown status word is shown as it is (work in progress), never mistaken for a meaning, even a word like "constructor"', () => {
    expect(updateFromJobObject(SOCKETIO_EVENTS, { job_id: 'a', status: 'ARCHIVING' })).toMatchObject({ status: 'ARCHIVING', phase: 'ARCHIVING', statusWord: 'ARCHIVING' });
    expect(updateFromJobObject(SOCKETIO_EVENTS, { job_id: 'a', status: 'constructor' })).toMatchObject({ status: 'constructor', phase: 'constructor' });
    // Words are exact: the events dialect says DELIVERED, not delivered.
    expect(updateFromJobObject(SOCKETIO_EVENTS, { job_id: 'a', status: 'delivered' })).toMatchObject({ status: 'delivered' });
  });

  it("the object's own id wins over the subscribe id field, and a status body without one takes the id it was asked for", () => {
    expect(updateFromJobObject(SOCKETIO_ROOMS, { id: 7, job_id: 8, status: 'pending' })).toMatchObject({ jobId: '7', status: 'queued' });
    expect(updateFromJobObject(SOCKETIO_ROOMS, { job_id: 8, status: 'pending' })).toMatchObject({ jobId: '8' });
    expect(updateFromJobObject(SOCKETIO_ROOMS, { status: 'completed' }, 'asked-for')).toMatchObject({ jobId: 'asked-for', status: 'completed' });
  });

  it('progress outside 0–100 is clamped; progress, timestamp and message of the wrong type are left out', () => {
    expect(updateFromJobObject(SOCKETIO_ROOMS, { id: 1, status: 'processing', progress_percent: 130 })).toMatchObject({ progress: 100 });
    expect(updateFromJobObject(SOCKETIO_ROOMS, { id: 1, status: 'processing', progress_percent: -5 })).toMatchObject({ progress: 0 });
    for (const progress of ['50', Number.NaN, Number.POSITIVE_INFINITY, null]) {
      expect(updateFromJobObject(SOCKETIO_ROOMS, { id: 1, status: 'processing', progress_percent: progress })).not.toHaveProperty('progress');
    }
    for (const timestamp of [1733133600, '', 'x'.repeat(101)]) {
      expect(updateFromJobObject(SOCKETIO_ROOMS, { id: 1, status: 'processing', updated_at: timestamp })).not.toHaveProperty('timestamp');
    }
    expect(updateFromJobObject(SOCKETIO_ROOMS, { id: 1, status: 'processing', updated_at: 't'.repeat(100) })).toMatchObject({ timestamp: 't'.repeat(100) });
    expect(updateFromJobObject(SOCKETIO_ROOMS, { id: 1, status: 'failed', error_message: { text: 'no' } })).toMatchObject({ message: '' });
  });

  it('a message is cut at 10,000 characters', () => {
    const update = updateFromJobObject(SOCKETIO_ROOMS, { id: 1, status: 'failed', error_message: 'e'.repeat(20_000) });
    expect(update).toMatchObject({ message: 'e'.repeat(10_000) });
  });

  it('anything that is not a job object of a known id and a status word is the wrong shape', () => {
    const wrong: unknown[] = [
      null,
      'completed',
      42,
      [{ id: 1, status: 'completed' }],
      { status: 'completed' },
      { id: 1 },
      { id: 1, status: '' },
      { id: 1, status: 7 },
      { id: 1, status: 'x'.repeat(101) },
      { id: 1.5, status: 'completed' },
      { id: 2 ** 60, status: 'completed' },
      { id: '', status: 'completed' },
      { id: 'i'.repeat(201), status: 'completed' },
    ];
    for (const payload of wrong) expect(updateFromJobObject(SOCKETIO_ROOMS, payload), JSON.stringify(payload)?.slice(0, 60)).toBe('wrong_shape');
    expect(updateFromJobObject(SOCKETIO_ROOMS, { id: 1, status: 's'.repeat(100) })).toMatchObject({ status: 's'.repeat(100) });
    expect(updateFromJobObject(SOCKETIO_ROOMS, { id: 'i'.repeat(200), status: 'completed' })).toMatchObject({ jobId: 'i'.repeat(200) });
  });
});

describe('ids as backends send them', () => {
  it('a string or a safe integer; nothing else', () => {
    expect(idFrom({ job_id: 12 }, 'job_id')).toBe('12');
    expect(idFrom({ job_id: 0 }, 'job_id')).toBe('0');
    expect(idFrom({ job_id: 'abc' }, 'job_id')).toBe('abc');
    for (const payload of [null, undefined, 'abc', { job_id: true }, { job_id: -0.5 }, { other: 'abc' }]) expect(idFrom(payload, 'job_id')).toBeNull();
  });
});

describe("a batch's progress (seed 004's batch:update)", () => {
  it('counts and texts as sent; a count that is not a non-negative number is unknown (null)', () => {
    expect(batchFromPayload(SOCKETIO_EVENTS, { batch_id: 'b-1', total: 12, completed: 11, progress: 91.6, status: 'running', message: '11 of 12' })).toEqual({
      batchId: 'b-1',
      total: 12,
      completed: 11,
      progress: 91.6,
      status: 'running',
      message: '11 of 12',
    });
    expect(batchFromPayload(SOCKETIO_EVENTS, { batch_id: 5, total: -1, completed: '3', progress: Number.NaN, status: 9 })).toEqual({
      batchId: '5',
      total: null,
      completed: null,
      progress: null,
      status: '',
      message: '',
    });
    expect(batchFromPayload(SOCKETIO_EVENTS, { batch_id: 'b', total: 0 })).toMatchObject({ total: 0 });
  });

  it('an event that names no batch is nothing', () => {
    expect(batchFromPayload(SOCKETIO_EVENTS, { total: 3 })).toBeNull();
    expect(batchFromPayload(SOCKETIO_EVENTS, null)).toBeNull();
    expect(batchFromPayload(SOCKETIO_EVENTS, 'b-1')).toBeNull();
  });
});
