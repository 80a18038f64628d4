import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';
import { BOOKING_CODE_LENGTH, CHECK_IN_QR_PREFIX, CODE_ALPHABET, PAIRING_CODE_LENGTH } from '@amtsraum/shared';

/**
 * The secrets of on-site check-in (issue 16), all keyed by the installation's SESSION_SECRET, with
 * the purpose in the key so that no value made for one use passes for another:
 * - the booking code citizens type at the kiosk, and the QR code that carries it with a tag only
 *   this installation can make (so the QR code alone checks in);
 * - the date of birth kept only as an HMAC bound to one appointment: it verifies a typed date and
 *   tells nothing by itself (a dump without the secret cannot be tried against 36,500 dates, and
 *   the same person's hash differs between appointments).
 */

function keyFor(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'amtsraum-check-in', purpose, 32));
}

function hmac(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', keyFor(secret, purpose)).update(value).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function randomCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** 8 characters of 23: about 36 bits, unique in the installation (a unique index says so). */
export const newBookingCode = (): string => randomCode(BOOKING_CODE_LENGTH);
/** 10 characters of 23: about 45 bits, valid for minutes and once. */
export const newPairingCode = (): string => randomCode(PAIRING_CODE_LENGTH);

/** `dateOfBirth` as `YYYY-MM-DD`. */
export function birthDateHash(secret: string, appointmentId: string, dateOfBirth: string): string {
  return hmac(secret, 'birth-date', `${appointmentId}:${dateOfBirth}`);
}

export function birthDateMatches(secret: string, appointmentId: string, dateOfBirth: string, stored: string): boolean {
  return sameText(birthDateHash(secret, appointmentId, dateOfBirth), stored);
}

/** The QR code's text for an on-site appointment's confirmation. */
export function checkInQrText(secret: string, bookingCode: string): string {
  return `${CHECK_IN_QR_PREFIX}${bookingCode}.${hmac(secret, 'check-in-qr', bookingCode).slice(0, 22)}`;
}

/** The booking code a scanned QR code carries, or null when this installation did not make it. */
export function bookingCodeFromQr(secret: string, text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith(CHECK_IN_QR_PREFIX)) return null;
  const [code, tag] = trimmed.slice(CHECK_IN_QR_PREFIX.length).split('.');
  if (!code || !tag) return null;
  return sameText(checkInQrText(secret, code), trimmed) ? code : null;
}
