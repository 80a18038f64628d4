import { describe, expect, it } from 'vitest';
import { STAFF_RETURN_PATH_MAX, StaffReturnPathSchema } from './security.api.js';

const valid = (path: unknown) => StaffReturnPathSchema.safeParse(path).success;

describe('StaffReturnPathSchema', () => {
  it('takes the staff and admin pages of this app, with their query', () => {
    for (const path of [
      '/staff',
      '/staff/4b1f0c2e-1d2a-4c3b-9e8f-0a1b2c3d4e5f',
      '/admin',
      '/admin/testhausen/departments/termine/services',
      '/admin/testhausen/audit?from=2026-01-01&q=M%C3%BCller%2Fa',
      '/admin/testhausen/staff?q=a.b',
    ]) {
      expect(valid(path), path).toBe(true);
    }
  });

  it('refuses other sites, other pages, escapes that become separators or dot segments, and overlong paths', () => {
    for (const path of [
      '',
      '/',
      'staff',
      '//evil.example',
      '//evil.example/staff',
      '/\\evil.example',
      '\\\\evil.example',
      'https://evil.example/',
      'https:/evil.example',
      'javascript:alert(1)',
      '/staffevil',
      '/adminx/y',
      '/elsewhere',
      '/staff//evil.example',
      '/staff/../..//evil.example',
      '/admin/./x',
      '/staff/..',
      '/staff\\..\\evil',
      '/staff/%2F%2Fevil.example',
      '/staff/%2f%2fevil.example',
      '/staff/%5Cevil.example',
      '/staff/%2e%2e/%2E%2E/x',
      '%2Fstaff',
      '/staff/%zz',
      '/staff/x y',
      '/staff/x\r\nLocation: https://evil.example',
      '/staff/x#https://evil.example',
      '/staff/ü',
      `/admin/${'a'.repeat(STAFF_RETURN_PATH_MAX)}`,
      42,
      ['/staff'],
      null,
    ]) {
      expect(valid(path), JSON.stringify(path)).toBe(false);
    }
  });
});
