import { describe, expect, it } from 'vitest';
import { LocalizedNameSchema, LocalizedTextInputSchema } from './office-text.js';
import { negotiateLocale, pickLocalized } from './locales.js';
import { ClosureCreateSchema, DepartmentUpdateSchema } from './organisation.api.js';
import { ServiceInputSchema } from './offer.api.js';
import { PageTextSchema } from './legal.api.js';
import { TenantSlugSchema } from './slugs.js';

describe('negotiateLocale', () => {
  it('defaults to German', () => {
    expect(negotiateLocale(undefined)).toBe('de');
    expect(negotiateLocale('fr-FR, it;q=0.5')).toBe('de');
  });

  it('honours order and quality', () => {
    expect(negotiateLocale('en-GB,en;q=0.9,de;q=0.8')).toBe('en');
    expect(negotiateLocale('fr;q=1, de;q=0.4, en;q=0.7')).toBe('en');
    expect(negotiateLocale('en;q=0, de')).toBe('de');
  });
});

describe('pickLocalized', () => {
  it('falls back to German', () => {
    expect(pickLocalized({ de: 'Bürgeramt', en: 'Citizens’ Office' }, 'en-US')).toBe('Citizens’ Office');
    expect(pickLocalized({ de: 'Bürgeramt' }, 'en')).toBe('Bürgeramt');
  });
});

describe('TenantSlugSchema', () => {
  it('refuses reserved and malformed slugs', () => {
    expect(TenantSlugSchema.safeParse('musterstadt').success).toBe(true);
    expect(TenantSlugSchema.safeParse('api').success).toBe(false);
    expect(TenantSlugSchema.safeParse('Muster Stadt').success).toBe(false);
    expect(TenantSlugSchema.safeParse('-x').success).toBe(false);
  });
});

describe('localized texts as admins write them', () => {
  const issues = (schema: typeof LocalizedNameSchema, value: unknown) =>
    schema.safeParse(value).error?.issues.map((issue) => [issue.path.join('.'), issue.message]);

  it('takes the supported languages, trimmed', () => {
    expect(LocalizedNameSchema.parse({ de: ' Bürgeramt ', en: 'Citizens’ Office ' })).toEqual({
      de: 'Bürgeramt',
      en: 'Citizens’ Office',
    });
    expect(LocalizedTextInputSchema.parse({ de: 'Zeile 1\nZeile 2' })).toEqual({ de: 'Zeile 1\nZeile 2' });
  });

  it('refuses a made-up language key, naming it', () => {
    expect(issues(LocalizedTextInputSchema, { de: 'Test', xx: '<script>alert(1)</script>' })).toEqual([
      ['xx', 'only these languages: de, en'],
    ]);
    expect(issues(LocalizedNameSchema, { de: 'Amt', fr: 'Bureau' })).toEqual([['fr', 'only these languages: de, en']]);
  });

  it('refuses names with nothing visible, hidden or reordering characters, or more than one line', () => {
    expect(issues(LocalizedNameSchema, { de: '   ' })).toEqual([['de', 'please enter a name']]);
    expect(issues(LocalizedNameSchema, { de: '\u200b' })).toEqual([
      ['de', 'a name must not contain invisible characters'],
    ]);
    expect(issues(LocalizedNameSchema, { de: 'Amt', en: '\u202eOffice' })).toEqual([
      ['en', 'a name must not contain characters that change the writing direction'],
    ]);
    expect(issues(LocalizedNameSchema, { de: 'Amt\nZweite Zeile' })).toEqual([['de', 'a name must fit on one line']]);
    // The admin screens leave an empty language out rather than send it.
    expect(issues(LocalizedNameSchema, { de: 'Amt', en: ' ' })).toEqual([['en', 'please enter a name']]);
  });

  it('refuses texts with nothing visible or with hidden or reordering characters', () => {
    expect(issues(LocalizedTextInputSchema, { de: '   ' })).toEqual([['de', 'please enter a text']]);
    expect(issues(LocalizedTextInputSchema, { de: '\u200b' })).toEqual([['de', 'contains invisible characters']]);
    expect(issues(LocalizedTextInputSchema, { de: 'Umbau \u2066x\u2069' })).toEqual([
      ['de', 'contains characters that change the writing direction'],
    ]);
  });

  it('checks them wherever admins write them', () => {
    const paths = (result: { error?: { issues: { path: PropertyKey[] }[] } }) =>
      result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths(DepartmentUpdateSchema.safeParse({ name: { de: '\u200b' } }))).toEqual(['name.de']);
    expect(paths(DepartmentUpdateSchema.safeParse({ description: { de: '   ' } }))).toEqual(['description.de']);
    expect(paths(DepartmentUpdateSchema.safeParse({ onsiteLocation: { de: 'Raum 1', xx: 'y' } }))).toEqual([
      'onsiteLocation.xx',
    ]);
    expect(
      paths(ClosureCreateSchema.safeParse({ from: '2030-01-02', to: '2030-01-02', reason: { de: 'Test', xx: 'x' } })),
    ).toEqual(['reason.xx']);
    const service = {
      name: { de: 'Reisepass' },
      description: null,
      durationMinutes: 15,
      extraMinutesPerPerson: 0,
      documents: [{ de: 'Foto' }],
      bookable: true,
      knockable: true,
      maxPersons: null,
      keywords: {},
      onlineUrl: null,
    };
    expect(ServiceInputSchema.safeParse(service).success).toBe(true);
    expect(paths(ServiceInputSchema.safeParse({ ...service, name: { de: '\u2800' } }))).toEqual(['name.de']);
    expect(paths(ServiceInputSchema.safeParse({ ...service, documents: [{ de: 'Foto\u202e' }] }))).toEqual([
      'documents.0.de',
    ]);
  });

  it('lets the text screens send a language empty, but not a made-up one', () => {
    expect(PageTextSchema.parse({ de: 'Impressum', en: '' })).toEqual({ de: 'Impressum', en: '' });
    expect(PageTextSchema.safeParse({ de: 'Impressum', xx: '' }).success).toBe(false);
    expect(PageTextSchema.safeParse({ de: 'Impressum\u202e' }).success).toBe(false);
    expect(PageTextSchema.safeParse({ de: ' ' }).success).toBe(false);
  });
});
