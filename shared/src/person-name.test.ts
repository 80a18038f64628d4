import { describe, expect, it } from 'vitest';
import { personName } from './person-name-schema.js';
import { officeText } from './office-text.js';
import { DeviceInputSchema } from './devices.api.js';
import { CounterNameSchema } from './hybrid.api.js';
import { TenantNameSchema } from './organisation.api.js';
import { ProfileSchema, StaffInviteRequestSchema, TenantCreateRequestSchema } from './accounts.api.js';
import { hasHiddenCharacters, hasVisibleCharacters, personNameProblem } from './person-name.js';

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
      // Combining marks as real scripts use them, decomposed (NFD) Latin, Devanagari, Thai, Vietnamese.
      'Rene\u0301e Mu\u0308ller',
      'देवनागरी',
      'สมชาย',
      'Nguyê\u0303n',
      'Çağrı Öztürk',
      'İlkay Gündoğan',
      'José-María Núñez',
      'D’Angelo',
      '김민준',
      '山田 太郎',
      'عبد الله',
      // The one visible use of tag characters: a subdivision flag (Scotland).
      'Kim \u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}',
      // Braille patterns with dots show; only the blank one (U+2800) does not.
      '\u2801\u2803',
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
      // Blank or hidden though not "whitespace": the braille blank, tag characters (which hide an
      // ASCII text: here "AB"), the object replacement character.
      ['\u2800', 'invisible'],
      ['\u2800\u2800\u2800', 'invisible'],
      ['An\u2800na', 'invisible'],
      ['\u{e0041}', 'invisible'],
      ['Anna\u{e0041}\u{e0042}', 'invisible'],
      ['\u{e0001}Anna', 'invisible'],
      ['Anna \u{1f3f4}\u{e0067}\u{e0062}', 'invisible'],
      ['\ufffc', 'invisible'],
      ['Anna\ufffc', 'invisible'],
      ['\ufff9Anna\ufffaB\ufffb', 'invisible'],
      ['\u206aAnna', 'invisible'],
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
    expect(message('\u2800')).toBe('a name must not contain invisible characters');
    expect(message(' \u{e0041}\u{e0042} ')).toBe('a name must not contain invisible characters');
    expect(message('\ufffc')).toBe('a name must not contain invisible characters');
  });

  it('tells free text that hides text or shows nothing from text that only carries a pasted soft hyphen', () => {
    for (const text of ['\u2800', 'Frage\u{e0041}', '\ufffc', 'Pass\u2800verlängern']) {
      expect([text, hasHiddenCharacters(text)]).toEqual([text, true]);
    }
    for (const text of [
      'Reise\u00adpass',
      'Pass\u200bverlängern',
      'Kim 🙂',
      'Flagge \u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}',
    ]) {
      expect([text, hasHiddenCharacters(text), hasVisibleCharacters(text)]).toEqual([text, false, true]);
    }
    expect(hasVisibleCharacters('\u200b\u00ad')).toBe(false);
  });
});

describe('names admins write', () => {
  // Staff names, the municipality's name, device labels and counter names are read by citizens
  // and staff as who or what they are: a person's name's rules, not just "one line".
  const names = {
    staff: (name: string) => ProfileSchema.safeParse({ name, languages: [] }),
    invite: (name: string) =>
      StaffInviteRequestSchema.safeParse({
        name,
        email: 'a@example.org',
        languages: [],
        isTenantAdmin: false,
        roles: [],
      }),
    tenant: (name: string) => TenantNameSchema.safeParse(name),
    newTenant: (name: string) =>
      TenantCreateRequestSchema.safeParse({
        slug: 'neustadt',
        name,
        timeZone: 'Europe/Berlin',
        stateCode: 'BY',
        defaultLocale: 'de',
        admin: { name: 'Anna Schmidt', email: 'a@example.org' },
      }),
    device: (label: string) => DeviceInputSchema.safeParse({ kind: 'display', label }),
    counter: (name: string) => CounterNameSchema.safeParse(name),
  };

  it('refuses blank, invisible and direction-changing names in each', () => {
    for (const [kind, parse] of Object.entries(names)) {
      for (const bad of ['\u200b\u200b', '   ', 'Anna\u202eSchmidt', '\u2066Kiosk\u2069', '\u2800', 'Platz\n3']) {
        expect([kind, bad, parse(bad).success]).toEqual([kind, bad, false]);
      }
      const good = parse('  Zimmer 12 ');
      expect([kind, good.success]).toEqual([kind, true]);
    }
    expect(names.tenant('Stadt \u202eMusterstadt').error?.issues[0]?.message).toBe(
      'a name must not contain characters that change the writing direction',
    );
    expect(names.tenant('X').error?.issues[0]?.message).toBe('at least two characters');
    expect(names.device(' ').error?.issues[0]?.message).toBe('please name the device');
  });
});

describe('texts admins write', () => {
  const required = officeText(100, 'please enter a text');
  const message = (value: string) => required.safeParse(value).error?.issues[0]?.message;

  it('keeps paragraphs, tabs, soft hyphens and direction marks', () => {
    expect(required.parse('  Wegen Umbau geschlossen.\n\n\tBitte Reise\u00adpass mitbringen.\r\n ')).toBe(
      'Wegen Umbau geschlossen.\n\n\tBitte Reise\u00adpass mitbringen.',
    );
    expect(required.parse('Arabic: \u0645\u0631\u062d\u0628\u0627\u200f!')).toContain('\u200f');
    expect(officeText(100).parse('  ')).toBe('');
  });

  it('refuses blank, hidden, reordering and control characters', () => {
    expect(message('   ')).toBe('please enter a text');
    expect(message('\u200b')).toBe('contains invisible characters');
    expect(message('\u2800\n\u2800')).toBe('contains invisible characters');
    expect(message('Geschlossen\u{e0041}')).toBe('contains invisible characters');
    expect(message('Grund: \u202eNIAR')).toBe('contains characters that change the writing direction');
    expect(message('a \u2067b\u2069')).toBe('contains characters that change the writing direction');
    expect(message('a\u0000b')).toBe('contains control characters');
    expect(message('a\u001bb')).toBe('contains control characters');
    expect(message('x'.repeat(101))).toBe('at most 100 characters');
  });

  it('refuses marks stacked higher than any writing needs, and keeps those that real writing stacks', () => {
    expect(message(`Geschlossen ${'a\u0301\u0316\u0302\u0317\u0303'}`)).toBe('stacked marks');
    // Vietnamese decomposed (two on a letter), Hebrew with vowel point and cantillation.
    expect(required.parse('Vie\u0323\u0302t Nam')).toBe('Vie\u0323\u0302t Nam');
    expect(required.parse('\u05e9\u05c1\u05b8\u0591\u05dc')).toBe('\u05e9\u05c1\u05b8\u0591\u05dc');
  });
});
