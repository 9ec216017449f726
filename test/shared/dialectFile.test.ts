import { describe, expect, it } from 'vitest';
import { SOCKETIO_EVENTS, SOCKETIO_ROOMS, statusMeaning, statusWord } from '../../src/shared/dialect';
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

  it('takes REST paths that hold "{id}" once, with the characters a route may have', () => {
    const reading = parseDialectFile({ name: 'x', base: 'socketio-rooms', rest: { status: '/api/v2/jobs/{id}', cancel: '/api/v2/jobs/{id}:cancel', batch: null } });
    expect(reading).toEqual({ ok: true, dialect: { ...SOCKETIO_ROOMS, name: 'x', rest: { ...SOCKETIO_ROOMS.rest, status: '/api/v2/jobs/{id}', cancel: '/api/v2/jobs/{id}:cancel', batch: null } } });
  });

  it('a file with many problems names the first five, one after the other', () => {
    const file = { base: 'socketio', rest: { upload: 'x' }, form: { documents: '' }, fields: { status: '' }, events: { updates: [] }, colour: 'red' };
    const reading = parseDialectFile(file);
    expect(reading.ok).toBe(false);
    const problems = reading.ok ? [] : reading.message.split('; ');
    expect(problems).toHaveLength(5);
    expect(problems.map((problem) => problem.slice(0, problem.indexOf(':')))).toEqual(['name', 'base', 'rest.upload', 'form.documents', 'fields.status']);
  });
});
