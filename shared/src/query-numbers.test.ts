import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { queryWholeNumber } from './query-numbers.js';

describe('queryWholeNumber', () => {
  const persons = z._default(queryWholeNumber(1, 20), 1);

  it('reads decimal digits within the range, and the default when absent', () => {
    expect(persons.parse('3')).toBe(3);
    expect(persons.parse('020')).toBe(20);
    expect(persons.parse(undefined)).toBe(1);
  });

  it('refuses what Number() would read as something the link did not write', () => {
    for (const text of ['0x3', '1e1', ' 2', '2 ', '', '+2', '-1', '2.0', '0b11', 'Infinity', '0', '21', '9999999999']) {
      expect(persons.safeParse(text).success, JSON.stringify(text)).toBe(false);
    }
    expect(persons.safeParse(['1', '2']).success).toBe(false);
  });
});
