import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Response } from 'express';
import type { Config } from '../config.js';

export const STAFF_COOKIE = 'amtsraum_session';
export const VISIT_COOKIE = 'amtsraum_visit';
/** An invitee's seat in one call: the signed id of their invite_guests row. */
export const INVITE_COOKIE = 'amtsraum_invite';
/** A paired kiosk or call display (issue 16): a random token, only its SHA-256 stored. */
export const DEVICE_COOKIE = 'amtsraum_device';

/** Reads a Cookie header; used for HTTP requests and WebSocket upgrades alike. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    const raw = part.slice(index + 1).trim();
    if (!name || name in cookies) continue;
    try {
      cookies[name] = decodeURIComponent(raw);
    } catch {
      cookies[name] = raw;
    }
  }
  return cookies;
}

/** httpOnly, SameSite=Lax (a link from the town's website still carries it), Secure in production. */
export function cookieOptions(config: Config, maxAgeMs: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.env === 'production' || config.publicBaseUrl.protocol === 'https:',
    path: '/',
    maxAge: maxAgeMs,
  };
}

export function clearCookie(res: Response, config: Config, name: string): void {
  const { maxAge: _maxAge, ...options } = cookieOptions(config, 0);
  res.clearCookie(name, options);
}

function mac(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${value}`).digest('base64url');
}

/** `value.mac`: binds a value (a visit id) to this installation's secret so it cannot be forged. */
export function signValue(secret: string, purpose: string, value: string): string {
  return `${value}.${mac(secret, purpose, value)}`;
}

export function verifySignedValue(secret: string, purpose: string, signed: string | undefined): string | null {
  if (!signed) return null;
  const index = signed.lastIndexOf('.');
  if (index <= 0) return null;
  const value = signed.slice(0, index);
  const given = Buffer.from(signed.slice(index + 1));
  const expected = Buffer.from(mac(secret, purpose, value));
  return given.length === expected.length && timingSafeEqual(given, expected) ? value : null;
}
