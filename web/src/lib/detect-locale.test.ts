import { describe, expect, it } from 'vitest';
import { detectLocale } from './detect-locale';

describe('detectLocale', () => {
  it('prefers a saved choice over the browser languages', () => {
    expect(detectLocale('en', ['de-DE', 'de'])).toBe('en');
  });

  it('takes the first supported browser language, by its base tag', () => {
    expect(detectLocale(null, ['fr-FR', 'en-GB', 'de'])).toBe('en');
  });

  it('ignores a saved value that is not a supported locale', () => {
    expect(detectLocale('xx', ['DE-at'])).toBe('de');
  });

  it('falls back to German', () => {
    expect(detectLocale(null, ['fr', 'tr'])).toBe('de');
  });
});
