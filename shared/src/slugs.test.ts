import { describe, expect, it } from 'vitest';
import { DepartmentSlugSchema } from './organisation.api.js';
import { TenantSlugSchema } from './slugs.js';

describe('slugs', () => {
  it('keeps the municipality’s own pages out of department slugs', () => {
    for (const slug of ['impressum', 'datenschutz', 'barrierefreiheit', 'fragen', 'suche']) {
      expect(DepartmentSlugSchema.safeParse(slug).success).toBe(false);
      expect(TenantSlugSchema.safeParse(slug).success).toBe(true);
    }
    expect(DepartmentSlugSchema.safeParse('buergeramt').success).toBe(true);
    expect(DepartmentSlugSchema.safeParse('Bürgeramt').success).toBe(false);
  });
});
