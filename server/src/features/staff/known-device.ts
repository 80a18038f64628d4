import { createHmac, randomBytes } from 'node:crypto';
import type { CookieOptions } from 'express';
import type { Config } from '../../config.js';
import { cookieOptions, parseCookies, signValue, verifySignedValue } from '../../lib/cookies.js';

/**
 * "This browser has signed in to these accounts before" (issue 11, item 3). Sign-in limits count
 * guesses from unknown devices per account; a clerk's own device is counted on its own, so a
 * guessing run elsewhere cannot lock them out. The cookie is signed and names accounts only by
 * an HMAC of their e-mail address under SESSION_SECRET.
 */
export const DEVICE_COOKIE = 'amtsraum_device';
const DEVICE_MAX_AGE_MS = 180 * 24 * 60 * 60 * 1000;
/** A shared counter PC in the town hall: several clerks, the most recent few remembered. */
const MAX_ACCOUNTS = 8;
const PURPOSE = 'device';

export interface KnownDevice {
  id: string;
  accounts: string[];
}

function accountTag(secret: string, email: string): string {
  return createHmac('sha256', secret).update(`device-account:${email}`).digest('base64url').slice(0, 16);
}

export function readKnownDevice(secret: string, cookieHeader: string | undefined): KnownDevice | null {
  const value = verifySignedValue(secret, PURPOSE, parseCookies(cookieHeader)[DEVICE_COOKIE]);
  if (!value) return null;
  const [id, ...accounts] = value.split('~');
  return id ? { id, accounts } : null;
}

export function knowsAccount(secret: string, device: KnownDevice | null, email: string): device is KnownDevice {
  return device !== null && device.accounts.includes(accountTag(secret, email));
}

/** The cookie value after a successful sign-in to `email`: this account first, then the others. */
export function rememberAccount(secret: string, device: KnownDevice | null, email: string): string {
  const tag = accountTag(secret, email);
  const id = device?.id ?? randomBytes(16).toString('base64url');
  const accounts = [tag, ...(device?.accounts ?? []).filter((other) => other !== tag)].slice(0, MAX_ACCOUNTS);
  return signValue(secret, PURPOSE, [id, ...accounts].join('~'));
}

/** Sent only to the sign-in endpoint: no other request needs to know the device. */
export function deviceCookieOptions(config: Config): CookieOptions {
  return { ...cookieOptions(config, DEVICE_MAX_AGE_MS), path: '/api/staff/login' };
}
