import { createHash, randomBytes } from 'node:crypto';
import type { StaffMe } from '@amtsraum/shared';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { tenants } from '../../db/schema.js';
import type { Ctx } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { hashPassword, verifyPassword } from '../../lib/passwords.js';
import { hasAuthenticator } from './authenticator.js';
import {
  deleteSessions,
  deleteStaleSessions,
  findActiveStaffByEmail,
  findSessionStaff,
  insertSession,
  listMemberships,
  rolesKey,
  touchSession,
  type StaffRow,
} from './staff.repo.js';

/** Sessions end 12 hours after sign-in at the latest (a working day), or after 2 idle hours. */
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
const TOUCH_EVERY_MS = 60 * 1000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

// Verifying against a real hash when the e-mail is unknown keeps response times alike,
// so timing does not tell which addresses have accounts.
let dummyHash: Promise<string> | null = null;

export async function signIn(db: Db, options: { email: string; password: string; now: Date }) {
  const row = await findActiveStaffByEmail(db, options.email);
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await verifyPassword(row?.passwordHash ?? (await dummyHash), options.password);
  if (!row || !ok) throw new AppError('invalid_credentials');
  const token = randomBytes(32).toString('base64url');
  await insertSession(db, {
    tokenHash: hashToken(token),
    staffId: row.id,
    createdAt: options.now,
    lastSeenAt: options.now,
    expiresAt: new Date(options.now.getTime() + SESSION_MAX_AGE_MS),
  });
  await deleteStaleSessions(db, options.now, new Date(options.now.getTime() - SESSION_IDLE_MS));
  return { token, staff: row };
}

/** How a session's person proved who they are (staff_sessions.auth_method). */
export type AuthMethod = 'password' | 'totp' | 'oidc';

export interface StaffSession {
  staff: StaffRow;
  tokenHash: string;
  authMethod: AuthMethod;
}

export async function resolveStaffSession(db: Db, token: string | undefined, now: Date): Promise<StaffSession | null> {
  return (await lookupStaffSession(db, token, now))?.session ?? null;
}

/**
 * The live session of `token`, and when it ends by itself if nothing else ends it first (its
 * expiry, or its idle time from the last sighting): what a cache of it may not outlive.
 */
export async function lookupStaffSession(
  db: Db,
  token: string | undefined,
  now: Date,
): Promise<{ session: StaffSession; endsAt: Date } | null> {
  if (!token || token.length > 100) return null;
  const tokenHash = hashToken(token);
  const found = await findSessionStaff(db, tokenHash, now, new Date(now.getTime() - SESSION_IDLE_MS));
  if (!found) return null;
  let lastSeenAt = found.session.lastSeenAt;
  if (now.getTime() - lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await touchSession(db, tokenHash, now);
    lastSeenAt = now;
  }
  const endsAt = Math.min(found.session.expiresAt.getTime(), lastSeenAt.getTime() + SESSION_IDLE_MS);
  return {
    session: { staff: found.staff, tokenHash, authMethod: found.session.authMethod as AuthMethod },
    endsAt: new Date(endsAt),
  };
}

export async function resolveSession(db: Db, token: string | undefined, now: Date): Promise<StaffRow | null> {
  return (await resolveStaffSession(db, token, now))?.staff ?? null;
}

/** Ends the session of `token`; tells whether there was one to end. */
export async function signOut(ctx: Pick<Ctx, 'db' | 'events'>, token: string | undefined): Promise<boolean> {
  if (!token || token.length > 100) return false;
  return (await endSessions(ctx, { tokenHash: hashToken(token) })) > 0;
}

/**
 * Ends one session (sign-out) or every session of a staff member (deactivation: call this in the
 * same breath), and tells every process, whose live hubs close the WebSockets opened with them at
 * once instead of at the next heartbeat (issue 11, item 4).
 */
export async function endSessions(
  ctx: Pick<Ctx, 'db' | 'events'>,
  which: { tokenHash: string } | { staffId: string },
): Promise<number> {
  const ended = await deleteSessions(ctx.db, which);
  if ('staffId' in which) {
    await ctx.events.publish({ sessionsEnded: { staffId: which.staffId } });
    return ended.length;
  }
  for (const session of ended) await ctx.events.publish({ sessionsEnded: session });
  return ended.length;
}

export async function describeStaff(
  db: Db,
  row: StaffRow,
  authMethod: AuthMethod,
  sessionSecret: string,
): Promise<StaffMe> {
  const [tenant] = await db.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, row.tenantId)).limit(1);
  const departments = await listMemberships(db, row.id);
  return {
    staff: {
      id: row.id,
      name: row.name,
      email: row.email,
      languages: row.languages,
      tenantSlug: tenant?.slug ?? '',
      isTenantAdmin: row.isTenantAdmin,
      isInstallationAdmin: row.isInstallationAdmin,
      secondFactor: { enrolled: hasAuthenticator(sessionSecret, row), proved: authMethod !== 'password' },
      departments,
      rolesKey: rolesKey({
        isTenantAdmin: row.isTenantAdmin,
        isInstallationAdmin: row.isInstallationAdmin,
        departments: departments.map(({ id, role, name, tenantName }) => ({ id, role, name, tenantName })),
      }),
    },
  };
}
