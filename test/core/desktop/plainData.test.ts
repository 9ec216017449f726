import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_DEPTH, plainDataProblem } from '../../../src/core/desktop/plainData';

/** `levels` arrays inside each other around a string. */
const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

describe('plainDataProblem (what an IPC payload may be)', () => {
  it('accepts what JSON can carry, including null-prototype objects and holes of undefined', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.chartNumber = 'A-1';
    expect(plainDataProblem({ a: 'x', n: 1.5, ok: true, none: null, gone: undefined, list: [1, 'two', { three: 3 }], bare })).toBeNull();
    expect(plainDataProblem('text')).toBeNull();
    expect(plainDataProblem(false)).toBeNull();
    expect(plainDataProblem(null)).toBeNull();
    expect(plainDataProblem(undefined)).toBeNull();
    expect(plainDataProblem(0)).toBeNull();
  });

  it('refuses numbers JSON cannot carry, with the reason', () => {
    expect(plainDataProblem(Number.NaN)).toBe('a number that is not finite');
    expect(plainDataProblem({ size: Number.POSITIVE_INFINITY })).toBe('a number that is not finite');
    expect(plainDataProblem([1, -Infinity])).toBe('a number that is not finite');
  });

  it('refuses functions, symbols and bigints by their kind', () => {
    expect(plainDataProblem(() => {})).toBe('a function');
    expect(plainDataProblem({ s: Symbol('x') })).toBe('a symbol');
    expect(plainDataProblem([10n])).toBe('a bigint');
  });

  it('refuses class instances that structured clone would deliver, naming the type', () => {
    expect(plainDataProblem(new Date(0))).toBe('an object of type Date');
    expect(plainDataProblem({ files: new Map() })).toBe('an object of type Map');
    expect(plainDataProblem([new Uint8Array(2)])).toBe('an object of type Uint8Array');
    class Job {}
    expect(plainDataProblem({ job: new Job() })).toBe('an object of type Job');
  });

  it('finds a problem deep inside objects and arrays, after plain items', () => {
    expect(plainDataProblem({ a: 1, b: { c: [1, 2, { d: new Set() }] } })).toBe('an object of type Set');
    expect(plainDataProblem([{ ok: 1 }, [null, 'x'], { bad: () => {} }])).toBe('a function');
  });

  it(`allows ${MAX_PAYLOAD_DEPTH} levels of nesting and refuses more (a stack-depth attack)`, () => {
    expect(MAX_PAYLOAD_DEPTH).toBe(32);
    expect(plainDataProblem(nested(MAX_PAYLOAD_DEPTH))).toBeNull();
    expect(plainDataProblem(nested(MAX_PAYLOAD_DEPTH + 1))).toBe('nested deeper than 32 levels');
    let deepObject: unknown = 1;
    for (let i = 0; i < MAX_PAYLOAD_DEPTH + 1; i++) deepObject = { next: deepObject };
    expect(plainDataProblem(deepObject)).toBe('nested deeper than 32 levels');
  });
});
