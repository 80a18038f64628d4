import { describe, expect, it } from 'vitest';
import { ApiError } from '../lib/api';
import { message } from '../lib/message';
import { freeTextProblem, lineProblem, nameProblem, refusedProblem } from './field-checks';
import { serverFieldErrors } from './forms';

describe('names checked on the client as the server checks them', () => {
  it('refuses invisible and direction characters the server refuses, and keeps ordinary names', () => {
    const rule = { max: 80, required: true };
    expect(nameProblem('Anna\u200b', rule)).toBe('invalid');
    expect(nameProblem('\u200eAnna', rule)).toBe('invalid');
    expect(nameProblem('\u2800', rule)).toBe('invalid');
    expect(nameProblem('  ', rule)).toBe('missing');
    expect(nameProblem('x'.repeat(81), rule)).toBe('tooLong');
    expect(nameProblem('  Ayşe Yılmaz ', rule)).toBeNull();
    // Persian names need the zero-width non-joiner.
    expect(nameProblem('مهر\u200cناز', rule)).toBeNull();
    expect(nameProblem('', { max: 80, required: false })).toBeNull();
  });

  it('refuses a concern with hidden characters or nothing visible, and keeps pasted soft hyphens', () => {
    const rule = { max: 500, required: true };
    expect(freeTextProblem('Pass\u2800', rule)).toBe('invalid');
    expect(freeTextProblem('\u200b\u00ad', rule)).toBe('invalid');
    expect(freeTextProblem('Ausweis\u0007', rule)).toBe('invalid');
    expect(freeTextProblem('Personal\u00adausweis verlängern', rule)).toBeNull();
    expect(freeTextProblem('', rule)).toBe('missing');
    expect(freeTextProblem('', { max: 500, required: false })).toBeNull();
  });

  it('takes a page as one line', () => {
    expect(lineProblem('/hilfe\u0000', { max: 500, required: false })).toBe('invalid');
    expect(lineProblem('/hilfe', { max: 500, required: false })).toBeNull();
  });
});

describe('a field the server refused', () => {
  it('is invalid, not missing, when something was typed in it', () => {
    expect(refusedProblem('Anna\u200b', 80)).toBe('invalid');
    expect(refusedProblem('   ', 80)).toBe('missing');
    expect(refusedProblem('x'.repeat(81), 80)).toBe('tooLong');
  });

  it('gets the form’s message, told what the server said, once per field', () => {
    const error = new ApiError('validation_failed', 400, undefined, undefined, {
      fieldErrors: [
        { path: 'name', message: 'Ein Name darf keine unsichtbaren Zeichen enthalten' },
        { path: 'name', message: 'second' },
        { path: 'elsewhere', message: 'not on this form' },
      ],
    });
    const seen: string[] = [];
    const found = serverFieldErrors(
      error,
      (path) => (path === 'name' ? 'name' : undefined),
      (field, refused) => {
        seen.push(refused.message);
        return message(() => `${field}: ${refused.message}`);
      },
    );
    expect(Object.keys(found)).toEqual(['name']);
    expect(seen).toEqual(['Ein Name darf keine unsichtbaren Zeichen enthalten']);
  });
});
