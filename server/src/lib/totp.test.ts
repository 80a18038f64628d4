import { describe, expect, it } from 'vitest';
import { seal, unseal } from './secret-box.js';
import { newTotpSecret, otpauthUri, totpCode, totpStep, verifyTotp } from './totp.js';

describe('totp', () => {
  // RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (base32 below), 8 digits there: the
  // last 6 of each are what a 6-digit code shows.
  const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  it.each([
    [59, '287082'],
    [1_111_111_109, '081804'],
    [1_234_567_890, '005924'],
    [2_000_000_000, '279037'],
  ])('matches the RFC test vector at %i s', (seconds, code) => {
    expect(totpCode(rfcSecret, totpStep(new Date(seconds * 1000)))).toBe(code);
  });

  it('accepts a code once, one step either side, and nothing else', () => {
    const secret = newTotpSecret();
    const now = new Date('2026-11-30T10:00:00Z');
    const step = totpStep(now);
    expect(verifyTotp(secret, totpCode(secret, step), now, null)).toBe(step);
    expect(verifyTotp(secret, totpCode(secret, step - 1), now, null)).toBe(step - 1);
    expect(verifyTotp(secret, totpCode(secret, step + 1), now, null)).toBe(step + 1);
    expect(verifyTotp(secret, totpCode(secret, step - 2), now, null)).toBeNull();
    expect(verifyTotp(secret, totpCode(secret, step), now, step)).toBeNull();
    expect(verifyTotp(secret, 'abcdef', now, null)).toBeNull();
    expect(otpauthUri(secret, { issuer: 'Amtsraum', account: 'a@b.example' })).toMatch(
      new RegExp(`^otpauth://totp/Amtsraum%3Aa%40b\\.example\\?secret=${secret}&`),
    );
  });
});

describe('secret box', () => {
  it('opens only under the same secret and purpose', () => {
    const sealed = seal('s'.repeat(32), 'totp', 'JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(unseal('s'.repeat(32), 'totp', sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(unseal('t'.repeat(32), 'totp', sealed)).toBeNull();
    expect(unseal('s'.repeat(32), 'oidc', sealed)).toBeNull();
    expect(unseal('s'.repeat(32), 'totp', sealed.slice(0, -2) + 'AA')).toBeNull();
  });
});
