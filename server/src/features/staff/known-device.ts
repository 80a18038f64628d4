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
export const DEVICE_COOKIE = 'amtsraum_staff_device';
/**
 * The name this cookie had before it got its own: the same as the kiosk's and call display's
 * pairing cookie (path `/`), so a browser could hold two cookies of one name. Still read, so a
 * clerk who signed in before the upgrade is no new device; the next sign-in replaces it.
 */
export const LEGACY_DEVICE_COOKIE = 'amtsraum_device';
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

/** Every value a Cookie header gives `name` (a kiosk's pairing cookie may share the legacy name). */
function cookieValues(header: string | undefined, name: string): string[] {
  const values: string[] = [];
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index < 0 || part.slice(0, index).trim() !== name) continue;
    const raw = part.slice(index + 1).trim();
    try {
      values.push(decodeURIComponent(raw));
    } catch {
      values.push(raw);
    }
  }
  return values;
}

function knownDeviceOf(value: string | null): KnownDevice | null {
  if (!value) return null;
  const [id, ...accounts] = value.split('~');
  return id ? { id, accounts } : null;
}

export function readKnownDevice(secret: string, cookieHeader: string | undefined): KnownDevice | null {
  return (
    knownDeviceOf(verifySignedValue(secret, PURPOSE, parseCookies(cookieHeader)[DEVICE_COOKIE])) ??
    readLegacyDevice(secret, cookieHeader)
  );
}

/** The known-device cookie under its old name, if the request carries one this installation signed. */
export function readLegacyDevice(secret: string, cookieHeader: string | undefined): KnownDevice | null {
  for (const value of cookieValues(cookieHeader, LEGACY_DEVICE_COOKIE)) {
    const device = knownDeviceOf(verifySignedValue(secret, PURPOSE, value));
    if (device) return device;
  }
  return null;
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
