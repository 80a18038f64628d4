import { AUDIT_ACTION_NAMES, ERROR_CODES, STAFF_WORDED_CODES, SUPPORTED_LOCALES } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { NAMESPACES, resources } from './resources';

/** Every leaf of a resource tree as [dotted key, value]. */
function leaves(tree: unknown, prefix = ''): [string, unknown][] {
  if (tree === null || typeof tree !== 'object') return [[prefix, tree]];
  return Object.entries(tree).flatMap(([key, value]) => leaves(value, prefix ? `${prefix}.${key}` : key));
}

const placeholders = (text: unknown) => [...String(text).matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe('locale resources', () => {
  for (const ns of NAMESPACES) {
    const reference = new Map(leaves(resources.de[ns]));

    for (const locale of SUPPORTED_LOCALES) {
      const entries = new Map(leaves(resources[locale][ns]));

      it(`${locale}/${ns} has exactly the keys of de/${ns}`, () => {
        expect([...entries.keys()].sort()).toEqual([...reference.keys()].sort());
      });

      it(`${locale}/${ns} has no empty values`, () => {
        const empty = [...entries].filter(([, value]) => typeof value !== 'string' || value.trim() === '');
        expect(empty.map(([key]) => key)).toEqual([]);
      });

      it(`${locale}/${ns} uses the same placeholders as de/${ns}`, () => {
        const mismatched = [...entries]
          .filter(([key]) => reference.has(key))
          .filter(([key, value]) => placeholders(value).join() !== placeholders(reference.get(key)).join())
          .map(([key]) => key);
        expect(mismatched).toEqual([]);
      });
    }
  }

  it('translates every error code of the API, once', () => {
    const codes = { ...resources.de.errors.codes, ...resources.de.moreErrors.codes };
    expect(ERROR_CODES.filter((code) => !(code in codes))).toEqual([]);
    expect(Object.keys(resources.de.moreErrors.codes).filter((code) => code in resources.de.errors.codes)).toEqual([]);
  });

  // problemMessage says these in staff's words on staff routes: a code without them showed its key.
  it('words every code staff read in their own words, in German and English', () => {
    for (const locale of ['de', 'en'] as const) {
      const staffCodes: Record<string, unknown> = resources[locale].moreErrors.staffCodes;
      expect(STAFF_WORDED_CODES.filter((code) => typeof staffCodes[code] !== 'string')).toEqual([]);
      // …and no other: the pages take a code's staff words wherever `staffCodes` has them
      // (lib/message.ts), the server only for the listed codes.
      expect(Object.keys(staffCodes).sort()).toEqual([...STAFF_WORDED_CODES].sort());
    }
  });

  // One word for the municipality, so staff and citizens never wonder whether two things are meant:
  // "Kommune" in German (it covers Stadt, Gemeinde and Kreis alike), "municipality" in English
  // (the town hall is a building, and a file name in an example is no word for it).
  it('names the municipality with one word in each language', () => {
    const words = {
      de: /\bGemeinde|\bStadt oder\b/,
      en: /(?<![/\w])(towns?(?! hall)|communit(y|ies)|cities|city)\b/i,
    } as const;
    for (const [locale, word] of Object.entries(words)) {
      const other = NAMESPACES.flatMap((ns) =>
        leaves(resources[locale as keyof typeof words][ns], ns).filter(([, value]) => word.test(String(value))),
      );
      // The audit actions' names live in shared (the CSV export names them too).
      other.push(
        ...leaves(AUDIT_ACTION_NAMES[locale as keyof typeof words], 'auditActions').filter(([, value]) =>
          word.test(String(value)),
        ),
      );
      expect(other.map(([key]) => `${locale}:${key}`)).toEqual([]);
    }
  });

  // The audit log's actions on a municipality (tenant.*) name the municipality, not the installation.
  it('names the municipality in the audit actions on one (tenant.*)', () => {
    const word = { de: /\bKommune\b/, en: /\bMunicipality\b/ } as const;
    for (const [locale, expected] of Object.entries(word)) {
      const actions = AUDIT_ACTION_NAMES[locale as keyof typeof word];
      const wrong = Object.entries(actions).filter(
        ([key, value]) => key.startsWith('tenant.') && !expected.test(value),
      );
      expect(wrong.map(([key, value]) => `${locale}:${key}: ${value}`)).toEqual([]);
    }
  });

  it('names every audit action in every language', () => {
    const reference = Object.keys(AUDIT_ACTION_NAMES.de).sort();
    for (const locale of SUPPORTED_LOCALES) {
      expect(Object.keys(AUDIT_ACTION_NAMES[locale]).sort()).toEqual(reference);
      expect(Object.values(AUDIT_ACTION_NAMES[locale]).filter((name) => name.trim() === '')).toEqual([]);
    }
  });

  // The slot picker's short day labels stand alone on a button: a bare "none" or "free" says
  // nothing (German says "keine Termine"), and "chosen" is not how English marks a selection.
  it('labels the days and slots of the English slot picker with phrases, not bare words', () => {
    const slots = resources.en.appointments.slots as Record<string, string>;
    const labels = Object.entries(slots).filter(
      ([key]) => (key.startsWith('day') && !key.startsWith('dayEmpty')) || key === 'chosen',
    );
    const terse = labels.filter(([, value]) => /^(\{\{count\}\} )?(none|free|chosen|not online)$/i.test(value));
    expect(terse.map(([key, value]) => `en:slots.${key}: ${value}`)).toEqual([]);
    expect(slots.dayNoneLeft).toMatch(/\bappointments\b/);
  });

  // A field that may stay empty says so with the plain German word, in citizens' and staff forms alike.
  it('marks optional fields "freiwillig" in German, never "optional"', () => {
    const optional = NAMESPACES.flatMap((ns) =>
      leaves(resources.de[ns], ns).filter(([, value]) => /\boptional\b/i.test(String(value))),
    );
    expect(optional.map(([key]) => `de:${key}`)).toEqual([]);
  });
});
