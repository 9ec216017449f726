import { describe, expect, it } from 'vitest';
import { sameDialect, SOCKETIO_EVENTS, SOCKETIO_ROOMS, statusMeaning, statusWord } from '../../src/shared/dialect';
import { parseDialectFile } from '../../src/shared/dialectFile';

describe('custom dialect files', () => {
  it('override a built-in key by key; `statuses` replaces the vocabulary whole', () => {
    const reading = parseDialectFile({ name: 'acme', base: 'socketio-rooms', events: { updates: ['tick'] }, statuses: { OK: 'completed', RUN: 'processing' } });
    expect(reading).toEqual({
      ok: true,
      dialect: { ...SOCKETIO_ROOMS, name: 'acme', events: { ...SOCKETIO_ROOMS.events, updates: ['tick'] }, statuses: { OK: 'completed', RUN: 'processing' } },
    });
    if (!reading.ok) return;
    expect(statusMeaning(reading.dialect, 'completed')).toBeNull();
    expect(statusWord(reading.dialect, 'completed')).toBe('OK');
    expect(parseDialectFile({ name: 'same', base: 'socketio-events' })).toEqual({ ok: true, dialect: { ...SOCKETIO_EVENTS, name: 'same' } });
  });

  it.each([
    [[], '(file): Invalid input: expected object, received array'],
    [{ base: 'socketio-events' }, 'name: Invalid input: expected string, received undefined'],
    [{ name: 'x', base: 'socketio' }, 'base: Invalid option: expected one of "socketio-rooms"|"socketio-events"'],
    [{ name: 'x', base: 'socketio-events', rest: { status: '/jobs/' } }, 'rest.status: must contain "{id}" exactly once'],
    [{ name: 'x', base: 'socketio-events', rest: { upload: 'jobs' } }, 'rest.upload: must be a path starting with "/" (letters, digits, "/", "{id}")'],
    [{ name: 'x', base: 'socketio-events', events: { updates: [] } }, 'events.updates: Too small: expected array to have >=1 items'],
    [{ name: 'x', base: 'socketio-events', fields: { stauts: 'state' } }, 'fields: Unrecognized key: "stauts"'],
    [{ name: 'x', base: 'socketio-events', statuses: { OK: 'done' } }, 'statuses.OK: Invalid option: expected one of "queued"|"processing"|"completed"|"failed"|"cancelled"|"blocked"'],
    [{ name: 'x', base: 'socketio-events', statuses: { RUN: 'processing' } }, 'statuses: must name the word for "completed"'],
    [{ name: 'x', base: 'socketio-events', colour: 'red' }, '(file): Unrecognized key: "colour"'],
  ])('refuses %j naming the field', (file, message) => {
    expect(parseDialectFile(file)).toEqual({ ok: false, message });
  });
});

describe('sameDialect', () => {
  it('a copy is the same backend type; one changed name, a missing one or none at all is not', () => {
    const copy = structuredClone(SOCKETIO_EVENTS);
    expect(sameDialect(SOCKETIO_EVENTS, SOCKETIO_EVENTS)).toBe(true);
    expect(sameDialect(SOCKETIO_EVENTS, copy)).toBe(true);
    expect(sameDialect(undefined, undefined)).toBe(true);
    expect(sameDialect(SOCKETIO_EVENTS, { ...copy, rest: { ...copy.rest, upload: '/other' } })).toBe(false);
    expect(sameDialect(SOCKETIO_EVENTS, { ...copy, form: { ...copy.form, batchId: null } })).toBe(false);
    const { batch: _dropped, ...restWithoutBatch } = copy.rest;
    expect(sameDialect(SOCKETIO_EVENTS, { ...copy, rest: restWithoutBatch as typeof copy.rest })).toBe(false);
    expect(sameDialect(SOCKETIO_EVENTS, undefined)).toBe(false);
    expect(sameDialect(SOCKETIO_EVENTS, SOCKETIO_ROOMS)).toBe(false);
    expect(sameDialect({ name: 'intake' }, { name: 'intake' })).toBe(true);
  });
});
