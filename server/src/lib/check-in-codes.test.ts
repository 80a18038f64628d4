import { BookingCodeSchema, CheckInQrSchema } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import {
  birthDateHash,
  birthDateMatches,
  bookingCodeFromQr,
  checkInQrText,
  newBookingCode,
  newPairingCode,
} from './check-in-codes.js';

const SECRET = 'a-secret-of-this-installation-for-tests-only';

describe('check-in codes', () => {
  it('makes booking and pairing codes that their schemas accept, typed loosely', () => {
    const code = newBookingCode();
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(BookingCodeSchema.parse(` ${code.slice(0, 4).toLowerCase()}-${code.slice(4)} `)).toBe(code);
    expect(newPairingCode()).toHaveLength(10);
    expect(new Set(Array.from({ length: 200 }, newBookingCode)).size).toBe(200);
  });

  it('reads back only QR codes this installation made', () => {
    const code = newBookingCode();
    const qr = checkInQrText(SECRET, code);
    expect(CheckInQrSchema.safeParse(qr).success).toBe(true);
    expect(bookingCodeFromQr(SECRET, qr)).toBe(code);
    expect(bookingCodeFromQr('another-installation-secret-of-enough-length', qr)).toBeNull();
    const other = newBookingCode();
    expect(bookingCodeFromQr(SECRET, qr.replace(code, other === code ? newBookingCode() : other))).toBeNull();
    expect(bookingCodeFromQr(SECRET, code)).toBeNull();
  });

  it('keeps a date of birth only as a hash bound to one appointment', () => {
    const hash = birthDateHash(SECRET, 'appointment-1', '1950-04-01');
    expect(hash).not.toContain('1950');
    expect(birthDateMatches(SECRET, 'appointment-1', '1950-04-01', hash)).toBe(true);
    expect(birthDateMatches(SECRET, 'appointment-1', '1950-04-02', hash)).toBe(false);
    expect(birthDateMatches(SECRET, 'appointment-2', '1950-04-01', hash)).toBe(false);
    expect(birthDateHash(SECRET, 'appointment-2', '1950-04-01')).not.toBe(hash);
  });
});
