import { describe, expect, it } from 'vitest';
import { departmentPhrase } from './department-names.js';

describe('departmentPhrase', () => {
  const buergeramt = {
    name: { de: 'Bürgeramt', en: 'Citizens’ Office' },
    nameForms: {
      de: { at: 'beim Bürgeramt', to: 'zum Bürgeramt' },
      en: { at: 'at the Citizens’ Office', to: 'to the Citizens’ Office' },
    },
  };

  it('uses the forms the municipality wrote, per language', () => {
    expect(departmentPhrase(buergeramt, 'de', 'at')).toBe('beim Bürgeramt');
    expect(departmentPhrase(buergeramt, 'de', 'to')).toBe('zum Bürgeramt');
    expect(departmentPhrase(buergeramt, 'en-GB', 'to')).toBe('to the Citizens’ Office');
  });

  it('falls back to sentences that need no article', () => {
    const plain = { name: { de: 'Fundbüro', en: 'Lost property' }, nameForms: {} };
    expect(departmentPhrase(plain, 'de', 'at')).toBe('beim Amt „Fundbüro“');
    expect(departmentPhrase(plain, 'de', 'to')).toBe('zum Amt „Fundbüro“');
    expect(departmentPhrase(plain, 'en', 'at')).toBe('at Lost property');
  });
});
