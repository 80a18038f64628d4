import { describe, expect, it } from 'vitest';
import { negotiateLocale, pickLocalized } from './locales.js';
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
