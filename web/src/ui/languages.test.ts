import { describe, expect, it } from 'vitest';
import { languageLabel } from './languages';

describe('languageLabel', () => {
  it('names a language in the interface language, not in itself', () => {
    expect(languageLabel('de', 'en')).toBe('Englisch');
    expect(languageLabel('de', 'tr')).toBe('Türkisch');
    expect(languageLabel('en', 'de')).toBe('German');
  });

  it('keeps a tag it cannot name', () => {
    expect(languageLabel('de', 'not a tag')).toBe('not a tag');
  });
});
