import { format } from 'node:util';
import { afterEach, beforeEach, vi } from 'vitest';

// An unexpected console.error fails the test that caused it (tests that expect one stub it).
let errors: string[] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(format(...args));
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  if (errors.length > 0) throw new Error(`Unexpected console.error:\n${errors.join('\n')}`);
});
