import { createHash } from 'node:crypto';
import { PAGES } from '@amtsraum/shared';
import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../../lib/errors.js';

/**
 * The token in an invite link: a JWT (HS256 with a key derived from SESSION_SECRET) whose `jti`
 * names the invite row. The row decides revocation and use counting; the token only proves that
 * this installation issued the link, for which purpose and audience, and until when.
 */

const PURPOSE = 'call-invite';
const ALGORITHM = 'HS256';

export interface InviteTokenSettings {
  secret: string;
  /** The installation's public origin: issuer, and with the invite page's path the audience. */
  origin: string;
}

/** A key of its own for invites, so a token of another kind can never pass as an invite. */
function keyFor(secret: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`amtsraum invite token v1\0${secret}`).digest());
}

const audienceOf = (settings: InviteTokenSettings) => `${settings.origin}${PAGES.invite.path}`;

export async function signInviteToken(
  settings: InviteTokenSettings,
  claims: { inviteId: string; expiresAt: Date; now: Date },
): Promise<string> {
  return new SignJWT({ purpose: PURPOSE })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setJti(claims.inviteId)
    .setIssuer(settings.origin)
    .setAudience(audienceOf(settings))
    .setIssuedAt(Math.floor(claims.now.getTime() / 1000))
    .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
    .sign(keyFor(settings.secret));
}

/**
 * `invite_expired` for an honest link whose token ran out: its signature held, so the invite it
 * names is known (the refusal names the invite's municipality to the link's holder).
 */
export class InviteTokenExpired extends AppError {
  constructor(readonly inviteId: string) {
    super('invite_expired');
  }
}

/** The invite id, or an error: `invite_expired` for an honest but old link, `invite_invalid` for anything else. */
export async function verifyInviteToken(settings: InviteTokenSettings, token: string, now: Date): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, keyFor(settings.secret), {
      algorithms: [ALGORITHM],
      issuer: settings.origin,
      audience: audienceOf(settings),
      currentDate: now,
      requiredClaims: ['jti', 'exp', 'iat'],
    });
    if (payload.purpose !== PURPOSE || typeof payload.jti !== 'string') throw new AppError('invite_invalid');
    return payload.jti;
  } catch (error) {
    // jose checks the signature, issuer and audience before the expiry: the payload is ours.
    if (error instanceof errors.JWTExpired) {
      const { purpose, jti } = error.payload;
      throw purpose === PURPOSE && typeof jti === 'string'
        ? new InviteTokenExpired(jti)
        : new AppError('invite_expired');
    }
    if (error instanceof AppError) throw error;
    throw new AppError('invite_invalid');
  }
}
