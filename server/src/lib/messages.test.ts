import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorTitle, fieldIssueMessages, FIELD_MESSAGES } from './messages.js';

const SERVER_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' ? [] : sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('field messages', () => {
  it('has German and English for every fixed message a service sends with a field', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of sources(SERVER_SRC)) {
      const text = fs.readFileSync(file, 'utf8');
      const said = [
        ...text.matchAll(/invalidField\(\s*[^,]+,\s*'([^']+)',?\s*\)/g),
        ...text.matchAll(/errors: \[\{ path: '[^']+', message: '([^']+)' \}\]/g),
      ].map((match) => match[1]!);
      seen += said.length;
      for (const message of said) {
        if (!FIELD_MESSAGES[message]) missing.push(`${path.relative(SERVER_SRC, file)}: ${message}`);
      }
    }
    expect(seen).toBeGreaterThan(15);
    expect(missing).toEqual([]);
  });

  it("words zod's own checks in both languages, with the numbers", () => {
    expect(
      fieldIssueMessages({
        code: 'too_big',
        origin: 'string',
        maximum: 120,
        inclusive: true,
        message: 'Too big: expected string to have <=120 characters',
      }),
    ).toEqual({ de: 'Höchstens 120 Zeichen.', en: 'At most 120 characters.' });
    expect(
      fieldIssueMessages({
        code: 'invalid_type',
        expected: 'number',
        message: 'Invalid input: expected number, received string',
      }),
    ).toEqual({ de: 'Hier wird eine Zahl erwartet.', en: 'This must be a number.' });
    expect(
      fieldIssueMessages({
        code: 'invalid_type',
        expected: 'string',
        message: 'Invalid input: expected string, received undefined',
      }),
    ).toEqual({ de: 'Bitte füllen Sie dieses Feld aus.', en: 'Please fill in this field.' });
    expect(fieldIssueMessages({ code: 'invalid_format', format: 'date', message: 'Invalid ISO date' }).de).toMatch(
      /Datum/,
    );
    // A message with its own translation keeps it.
    expect(fieldIssueMessages({ code: 'custom', message: 'at least 5 minutes' }).de).toBe('Mindestens 5 Minuten.');
  });
});

describe('rate limit titles', () => {
  it('say how long to wait when it is longer than about a minute, in both languages', () => {
    expect(errorTitle('rate_limited', 'de', { retryAfterSeconds: 30 })).toBe(
      'Zu viele Anfragen. Bitte warten Sie einen Moment.',
    );
    expect(errorTitle('rate_limited', 'de')).toBe('Zu viele Anfragen. Bitte warten Sie einen Moment.');
    expect(errorTitle('rate_limited', 'de', { retryAfterSeconds: 3400 })).toBe(
      'Zu viele Anfragen. Bitte versuchen Sie es in etwa 57 Minuten erneut.',
    );
    expect(errorTitle('rate_limited', 'en', { retryAfterSeconds: 3400 })).toBe(
      'Too many requests. Please try again in about 57 minutes.',
    );
    expect(errorTitle('rate_limited', 'de', { retryAfterSeconds: 91 })).toBe(
      'Zu viele Anfragen. Bitte versuchen Sie es in etwa 2 Minuten erneut.',
    );
    expect(errorTitle('rate_limited', 'de', { retryAfterSeconds: 3 * 3600 })).toBe(
      'Zu viele Anfragen. Bitte versuchen Sie es in etwa 3 Stunden erneut.',
    );
    // Other codes keep their own words, whatever the wait.
    expect(errorTitle('office_busy', 'en', { retryAfterSeconds: 600 })).toMatch(/^A great many people/);
  });
});
