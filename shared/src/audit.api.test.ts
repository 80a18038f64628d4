import { describe, expect, it } from 'vitest';
import { AUDIT_DATA_CODES, AUDIT_DATA_KEYS, visibleAuditData } from './audit.api.js';
import { CHANNELS } from './channels.js';
import { DEVICE_KINDS } from './hybrid.api.js';
import { TENANT_TEXT_KINDS } from './legal.api.js';
import { STATE_CODES } from './organisation.api.js';
import { OIDC_SIGN_IN_ERRORS } from './security.api.js';
import { DoorSettingSchema } from './visits.api.js';

describe('visibleAuditData', () => {
  it('keeps a refused sign-in’s reason (it was left out), and still drops keys not on the list', () => {
    expect(visibleAuditData({ method: 'oidc', reason: 'unmapped', concern: 'Mein Pass ist weg' })).toEqual({
      method: 'oidc',
      reason: 'unmapped',
    });
  });

  it('lists the same codes as the schemas that own them', () => {
    const sorted = (codes: readonly string[]) => [...codes].sort();
    expect(sorted(AUDIT_DATA_CODES.reason)).toEqual(sorted(OIDC_SIGN_IN_ERRORS));
    expect(sorted(AUDIT_DATA_CODES.channel)).toEqual(sorted(CHANNELS));
    expect(sorted(AUDIT_DATA_CODES.stateCode)).toEqual(sorted(STATE_CODES));
    expect(sorted(AUDIT_DATA_CODES.kind)).toEqual(sorted([...DEVICE_KINDS, ...TENANT_TEXT_KINDS]));
    expect(sorted(AUDIT_DATA_CODES.state)).toEqual(sorted(DoorSettingSchema.shape.state.options));
  });

  it('names only keys on the list as coded', () => {
    const keys = new Set<string>(AUDIT_DATA_KEYS);
    expect(Object.keys(AUDIT_DATA_CODES).filter((key) => !keys.has(key))).toEqual([]);
  });
});
