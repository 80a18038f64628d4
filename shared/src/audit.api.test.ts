import { describe, expect, it } from 'vitest';
import { AUDIT_DATA_CODES, AUDIT_DATA_KEYS, visibleAuditData } from './audit.api.js';

describe('visibleAuditData', () => {
  it('keeps a refused sign-in’s reason (it was left out), and still drops keys not on the list', () => {
    expect(visibleAuditData({ method: 'oidc', reason: 'unmapped', concern: 'Mein Pass ist weg' })).toEqual({
      method: 'oidc',
      reason: 'unmapped',
    });
  });

  it('names only keys on the list as coded', () => {
    const keys = new Set<string>(AUDIT_DATA_KEYS);
    expect(Object.keys(AUDIT_DATA_CODES).filter((key) => !keys.has(key))).toEqual([]);
  });
});
