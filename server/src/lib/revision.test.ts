import { describe, expect, it } from 'vitest';
import { revisionOf } from './revision.js';

describe('revisionOf', () => {
  it('names equal values alike whatever the order of their keys', () => {
    expect(revisionOf({ a: 1, b: { de: 'x', en: 'y' } })).toBe(revisionOf({ b: { en: 'y', de: 'x' }, a: 1 }));
    expect(revisionOf({ a: 1, gone: undefined })).toBe(revisionOf({ a: 1 }));
  });

  it('names different values differently, also in arrays and nested texts', () => {
    const base = { hours: { mon: [{ from: '08:00', to: '12:00' }] }, list: ['a', 'b'] };
    expect(revisionOf(base)).not.toBe(revisionOf({ ...base, hours: { mon: [{ from: '08:00', to: '12:30' }] } }));
    expect(revisionOf(base)).not.toBe(revisionOf({ ...base, list: ['b', 'a'] }));
    expect(revisionOf({ a: null })).not.toBe(revisionOf({ a: 'null' }));
    expect(revisionOf(base)).toMatch(/^[\w-]{16}$/);
  });
});
