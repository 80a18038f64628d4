import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals small secrets the database must keep but should not hold in clear (a staff member's TOTP
 * secret, an identity provider's client secret): AES-256-GCM under a key derived from the
 * installation's SESSION_SECRET. A database dump alone then reveals none of them. The purpose
 * goes into the key, so a value sealed for one purpose does not open as another.
 */
/** What a staff member's TOTP secret is sealed for (features/staff/authenticator.ts). */
export const TOTP_PURPOSE = 'totp';
/** What an identity provider's client secret is sealed for (features/identity-provider). */
export const CLIENT_SECRET_PURPOSE = 'oidc-client-secret';

function keyFor(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'amtsraum-secret-box', purpose, 32));
}

export function seal(secret: string, purpose: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, purpose), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(
    '.',
  );
}

/** The sealed value, or null when it was sealed under another secret or purpose, or tampered with. */
export function unseal(secret: string, purpose: string, sealed: string): string | null {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || !body || !tag) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, purpose), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
