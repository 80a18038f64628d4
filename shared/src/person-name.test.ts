import { describe, expect, it } from 'vitest';
import { personName, personNameProblem } from './person-name.js';

describe('person names', () => {
  const schema = personName(80, 'please enter a name');

  it('accepts the names people have, in every script', () => {
    for (const name of [
      'Ayşe Yılmaz',
      'Nguyễn Văn An',
      "Siobhán O'Brien-Müller",
      'Zoë',
      '李小龙',
      'Ольга',
      'محمد',
      'שרה',
      // Persian and Indic names need the zero-width non-joiner and joiner inside words.
      'می\u200cخواهم',
      'क्\u200dष',
      'Kim 🙂',
      'Dolmetscherin Türkisch (Frau A.)',
    ]) {
      expect([name, personNameProblem(name)]).toEqual([name, null]);
      expect(schema.parse(`  ${name}  `)).toBe(name);
    }
  });

  it('refuses names that could pass for someone else or for nobody', () => {
    const cases: [string, string][] = [
      ['\u200b\u200b', 'invisible'],
      ['\u200c\u200d', 'noVisible'],
      ['An\u200bna', 'invisible'],
      ['\u3164', 'invisible'],
      ['\ufeffAnna', 'invisible'],
      ['Anna\u00ad', 'invisible'],
      ['\u0301\u0301', 'noVisible'],
      ['Anna\r\nDeclined: yes', 'lineBreak'],
      ['Anna\nB', 'lineBreak'],
      ['Anna\u2028B', 'lineBreak'],
      ['Anna\tB', 'control'],
      ['Anna\u0000', 'control'],
      ['Anna\u0085B', 'lineBreak'],
      ['\u202eannA', 'direction'],
      ['Anna \u2067B\u2069', 'direction'],
      ['Anna\u200f', 'direction'],
    ];
    for (const [name, problem] of cases) expect([name, personNameProblem(name)]).toEqual([name, problem]);
  });

  it('says what is wrong, and that an empty or too long name is one', () => {
    const message = (value: string) => schema.safeParse(value).error?.issues[0]?.message;
    expect(message('   ')).toBe('please enter a name');
    expect(message('\u200b')).toBe('a name must not contain invisible characters');
    expect(message('\u202eX')).toBe('a name must not contain characters that change the writing direction');
    expect(message('A\nB')).toBe('a name must fit on one line');
    expect(message('x'.repeat(81))).toBe('at most 80 characters');
  });
});
