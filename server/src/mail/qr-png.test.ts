import { encode } from 'uqr';
import { describe, expect, it } from 'vitest';
import { decodeBitmapPng, modulesOf } from '../test/png.js';
import { bitmapPng, qrPng } from './qr-png.js';

describe('QR code as PNG', () => {
  it('draws a bitmap that reads back pixel for pixel, scaled, 1 black and 0 white', () => {
    const matrix = [
      [true, false, true],
      [false, false, true],
      [true, true, false],
    ];
    const decoded = decodeBitmapPng(bitmapPng(matrix, 3));
    expect([decoded.width, decoded.height]).toEqual([9, 9]);
    expect(modulesOf(decoded.dark, 3)).toEqual(matrix);
    // Every pixel of a module square has the module's colour.
    expect(decoded.dark[4]!.slice(0, 3)).toEqual([false, false, false]);
    expect(decoded.dark[8]!.slice(3, 6)).toEqual([true, true, true]);
  });

  it("carries exactly uqr's matrix of the text, with a quiet zone of four modules", () => {
    const text = 'AMTSRAUM1:ACDEFGHJ.abcdefghijklmnopqrstuv';
    const png = qrPng(text, { scale: 4 });
    const { dark, width } = decodeBitmapPng(png);
    const expected = encode(text, { ecc: 'M', border: 4 }).data;
    expect(width).toBe(expected.length * 4);
    expect(modulesOf(dark, 4)).toEqual(expected);
    expect(expected[0]!.slice(0, 4)).toEqual([false, false, false, false]);
    expect(png.length).toBeLessThan(4000);
  });
});
