import {
  AUDIT_DATA_CODES,
  AUDIT_DETAIL_WORDS,
  AUDIT_DATA_KEYS,
  BookingRulesSchema,
  DepartmentUpdateSchema,
  IdentityProviderInputSchema,
  ServiceInputSchema,
  TenantSettingsUpdateSchema,
} from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { auditDetails, type DetailContext, type DetailTexts } from './audit-details';

const de = { details: AUDIT_DETAIL_WORDS.de };
const en = { details: AUDIT_DETAIL_WORDS.en };

const BUERGERAMT = '0a1b2c3d-4e5f-4789-abcd-ef0123456789';

function context(texts: DetailTexts, locale: string): DetailContext {
  const names: Record<string, string> = locale === 'de' ? { tr: 'Türkisch' } : { tr: 'Turkish' };
  return {
    texts,
    locale,
    timeZone: 'Europe/Berlin',
    languageName: (tag) => names[tag] ?? tag,
    departmentName: (id) => (id === BUERGERAMT ? 'Bürgeramt' : null),
  };
}

const say = (data: Record<string, string | number | boolean | null>, texts: DetailTexts, locale: string) =>
  auditDetails(data, context(texts, locale)).map(({ label, text, code }) => [label, text, code]);

describe('auditDetails', () => {
  it('says a department change in German words, the department by name with its id kept', () => {
    expect(say({ departmentId: BUERGERAMT, fields: 'openingHours,queueCap' }, de.details, 'de')).toEqual([
      ['Amt', 'Bürgeramt', BUERGERAMT],
      ['Geänderte Angaben', 'Öffnungszeiten, Höchstzahl Wartender', null],
    ]);
    expect(say({ departmentId: BUERGERAMT, fields: 'openingHours,queueCap' }, en.details, 'en')).toEqual([
      ['Department', 'Bürgeramt', BUERGERAMT],
      ['Changed settings', 'Opening hours, Most people waiting', null],
    ]);
  });

  it('translates known codes, flags and languages, and reads times in the municipality’s zone', () => {
    expect(say({ state: 'auto' }, de.details, 'de')).toEqual([['Tür', 'Nach Öffnungszeiten', null]]);
    expect(say({ state: 'paused' }, en.details, 'en')).toEqual([['Door', 'Break', null]]);
    expect(say({ role: 'interpreter', lobby: true, multiUse: false }, de.details, 'de')).toEqual([
      ['Rolle', 'Dolmetscherin/Dolmetscher', null],
      ['Wartet auf Einlass', 'ja', null],
      ['Mehrfach nutzbar', 'nein', null],
    ]);
    expect(say({ language: 'tr', interpreter: null, persons: 2 }, de.details, 'de')).toEqual([
      ['Sprache', 'Türkisch', null],
      ['Dolmetschen', 'keine', null],
      ['Personen', '2', null],
    ]);
    // 08:30 UTC is 09:30 in Berlin in winter, whatever the viewer's zone.
    const [moved] = auditDetails({ from: '2026-12-01T08:30:00.000Z' }, context(de.details, 'de'));
    expect(moved?.text).toContain('09:30');
    expect(say({ from: '2026-12-24' }, de.details, 'de')).toEqual([['Von', 'Donnerstag, 24. Dezember 2026', null]]);
  });

  it('keeps ids labelled, and an unknown key or code as it came instead of leaving it out', () => {
    const appointment = '1a1b2c3d-4e5f-4789-abcd-ef0123456789';
    expect(say({ appointmentId: appointment }, de.details, 'de')).toEqual([['Termin (ID)', null, appointment]]);
    expect(say({ somethingNew: 'x1', state: 'storm' }, de.details, 'de')).toEqual([
      ['somethingNew', null, 'x1'],
      ['Tür', null, 'storm'],
    ]);
    expect(say({ fields: 'name,somethingNew' }, en.details, 'en')).toEqual([
      ['Changed settings', 'Name, somethingNew', null],
    ]);
  });

  it('has a label in German and English for every key the API shows', () => {
    for (const key of AUDIT_DATA_KEYS) {
      expect(de.details.labels, key).toHaveProperty([key]);
      expect(en.details.labels, key).toHaveProperty([key]);
    }
  });

  it('has words in German and English for every code of every coded key', () => {
    for (const [key, codes] of Object.entries(AUDIT_DATA_CODES)) {
      for (const code of codes) {
        expect(de.details.values, `${key}: ${code}`).toHaveProperty([key, code]);
        expect(en.details.values, `${key}: ${code}`).toHaveProperty([key, code]);
      }
    }
  });

  it('has words in German and English for every field name a change lists', () => {
    // `fields` names what an admin changed: the keys of the change's request (settings, department,
    // service, booking rules, sign-in provider with its secret) or a staff account's own fields.
    const names = [
      ...Object.keys(TenantSettingsUpdateSchema.shape),
      ...Object.keys(DepartmentUpdateSchema.shape),
      ...Object.keys(ServiceInputSchema.shape),
      ...Object.keys(BookingRulesSchema.shape),
      ...Object.keys(IdentityProviderInputSchema.shape),
      ...['name', 'languages', 'isTenantAdmin', 'roles', 'active'],
    ];
    const missing = (texts: DetailTexts) => [...new Set(names)].filter((name) => !(name in texts.fields));
    expect(missing(de.details)).toEqual([]);
    expect(missing(en.details)).toEqual([]);
  });

  it('says why a sign-in was refused, and the rest of the keys written since the list began, in words', () => {
    // A refused sign-in's reason was left out of the page: its key was not on the list.
    expect(say({ method: 'oidc', reason: 'unmapped' }, de.details, 'de')).toEqual([
      ['Verfahren', 'Identitätsanbieter der Kommune', null],
      ['Grund', 'Keine Rolle in dieser Kommune', null],
    ]);
    expect(say({ reason: 'too_many_tries' }, en.details, 'en')).toEqual([['Reason', 'Too many tries', null]]);
    expect(say({ channel: 'onsite', ticketNumber: 1024, minutes: 30 }, de.details, 'de')).toEqual([
      ['Video oder vor Ort', 'Vor Ort', null],
      ['Wartenummer', '1024', null],
      ['Gesperrt für', expect.stringContaining('30') as string, null],
    ]);
    expect(say({ year: 2026, stateCode: 'BY', added: 12 }, en.details, 'en')).toEqual([
      ['Year', '2026', null],
      ['State', 'Bavaria', null],
      ['Added', '12', null],
    ]);
    expect(say({ counterName: 'Schalter 3', rolesLost: true }, de.details, 'de')).toEqual([
      ['Schalter', 'Schalter 3', null],
      ['Rollen entzogen', 'ja', null],
    ]);
  });
});
