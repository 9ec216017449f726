/**
 * The dialect helpers that main, the core process and the reference server
 * all lean on: when two descriptions are the same backend type (a copy that
 * crossed a process boundary must not count as a change of server), what a
 * status word means, and the paths and endpoint derived from a description.
 */
import { describe, expect, it } from 'vitest';
import {
  deriveSocketIoUrl,
  dialectPath,
  INTAKE_DIALECT,
  isSocketIoDialect,
  SOCKETIO_EVENTS,
  SOCKETIO_ROOMS,
  sameDialect,
  statusMeaning,
  statusWord,
  type Dialect,
} from '../../src/shared/dialect';

/** What arrives after a trip through IPC or a settings file: equal data, no shared objects. */
const copied = (dialect: Dialect): Dialect => structuredClone(dialect);

describe('sameDialect', () => {
  it('a copy is the same dialect; so is the same object, and "none" with "none"', () => {
    expect(sameDialect(SOCKETIO_EVENTS, copied(SOCKETIO_EVENTS))).toBe(true);
    expect(sameDialect(copied(INTAKE_DIALECT), INTAKE_DIALECT)).toBe(true);
    expect(sameDialect(SOCKETIO_ROOMS, SOCKETIO_ROOMS)).toBe(true);
    expect(sameDialect(undefined, undefined)).toBe(true);
  });

  it('a dialect is never the same as none, in either order', () => {
    expect(sameDialect(SOCKETIO_ROOMS, undefined)).toBe(false);
    expect(sameDialect(undefined, INTAKE_DIALECT)).toBe(false);
  });

  it('any one value changed, however deep, is another backend type', () => {
    const renamedWord = { ...SOCKETIO_EVENTS, statuses: { ...SOCKETIO_EVENTS.statuses, DELIVERED: 'failed' as const } };
    const otherPath = { ...SOCKETIO_ROOMS, rest: { ...SOCKETIO_ROOMS.rest, cancel: null } };
    const fewerEvents = { ...SOCKETIO_EVENTS, events: { ...SOCKETIO_EVENTS.events, updates: ['job:update', 'job:completed'] } };
    for (const changed of [renamedWord, otherPath, fewerEvents, SOCKETIO_ROOMS, INTAKE_DIALECT]) {
      expect(sameDialect(SOCKETIO_EVENTS, changed) && sameDialect(changed, SOCKETIO_EVENTS), changed.name).toBe(false);
    }
    expect(sameDialect(otherPath, SOCKETIO_ROOMS)).toBe(false);
    // A word that means something else, spelled with as many letters.
    const sameLength = { ...SOCKETIO_ROOMS, statuses: { ...SOCKETIO_ROOMS.statuses, pending: 'failed' as const } };
    expect(sameDialect(SOCKETIO_ROOMS, sameLength)).toBe(false);
  });

  it('a key more or a key less is a difference, even when the other side holds undefined or the same count of keys', () => {
    const more = { ...copied(INTAKE_DIALECT), extra: undefined } as unknown as Dialect;
    expect(sameDialect(INTAKE_DIALECT, more)).toBe(false);
    expect(sameDialect(more, INTAKE_DIALECT)).toBe(false);
    const swapped = { ...SOCKETIO_ROOMS, form: { chartNumber: 'chart_number', documents: 'file', batch: null } } as unknown as Dialect;
    expect(sameDialect(SOCKETIO_ROOMS, swapped)).toBe(false);
  });

  it('a list is not an object with the same keys, and null is not an empty value', () => {
    const listLike = { ...SOCKETIO_EVENTS, events: { ...SOCKETIO_EVENTS.events, updates: { 0: 'job:update', 1: 'job:completed', 2: 'job:error' } } } as unknown as Dialect;
    expect(sameDialect(SOCKETIO_EVENTS, listLike)).toBe(false);
    expect(sameDialect(listLike, SOCKETIO_EVENTS)).toBe(false);
    const emptied = { ...SOCKETIO_ROOMS, rest: { ...SOCKETIO_ROOMS.rest, batch: {} } } as unknown as Dialect;
    expect(sameDialect(SOCKETIO_ROOMS, emptied)).toBe(false);
    expect(sameDialect(emptied, SOCKETIO_ROOMS)).toBe(false);
    const texted = { ...SOCKETIO_ROOMS, rest: { ...SOCKETIO_ROOMS.rest, batch: 'null' } } as unknown as Dialect;
    expect(sameDialect(SOCKETIO_ROOMS, texted)).toBe(false);
    const blank = { ...SOCKETIO_ROOMS, rest: { ...SOCKETIO_ROOMS.rest, batch: '' } } as unknown as Dialect;
    expect(sameDialect(emptied, blank)).toBe(false);
    expect(sameDialect(blank, emptied)).toBe(false);
  });
});

describe('the status words', () => {
  it("a word's meaning is the dialect's own; unknown words, and names every object has, mean nothing", () => {
    expect(statusMeaning(SOCKETIO_EVENTS, 'DELIVERED')).toBe('completed');
    expect(statusMeaning(SOCKETIO_EVENTS, 'BLOCKED')).toBe('blocked');
    expect(statusMeaning(SOCKETIO_EVENTS, 'delivered')).toBeNull();
    expect(statusMeaning(SOCKETIO_ROOMS, 'constructor')).toBeNull();
    expect(statusMeaning(SOCKETIO_ROOMS, 'toString')).toBeNull();
  });

  it('the word a server of the dialect sends for a meaning is the first listed; none when it has no such word', () => {
    const twoWords = { ...SOCKETIO_ROOMS, statuses: { queued: 'queued' as const, pending: 'queued' as const } };
    expect(statusWord(twoWords, 'queued')).toBe('queued');
    expect(statusWord(SOCKETIO_ROOMS, 'queued')).toBe('pending');
    expect(statusWord(SOCKETIO_ROOMS, 'blocked')).toBeNull();
  });
});

describe('paths and endpoint', () => {
  it('a path gets its id percent-encoded, so an id cannot reach another route', () => {
    expect(dialectPath('/v1/jobs/{id}/cancel', 'job 1/../admin?x')).toBe('/v1/jobs/job%201%2F..%2Fadmin%3Fx/cancel');
  });

  it('the Socket.IO endpoint is the REST base origin with /socket.io, whatever path the base has', () => {
    expect(deriveSocketIoUrl('https://scan.ward.example:8443/api/v2/')).toBe('https://scan.ward.example:8443/socket.io');
    expect(deriveSocketIoUrl('http://127.0.0.1:4100')).toBe('http://127.0.0.1:4100/socket.io');
  });

  it('tells a Socket.IO description from the plain WebSocket contract', () => {
    expect(isSocketIoDialect(SOCKETIO_ROOMS)).toBe(true);
    expect(isSocketIoDialect(copied(SOCKETIO_EVENTS))).toBe(true);
    expect(isSocketIoDialect(INTAKE_DIALECT)).toBe(false);
  });
});
