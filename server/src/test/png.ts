import { inflateSync } from 'node:zlib';
import { expect } from 'vitest';

/**
 * Reads back what `bitmapPng` writes (1-bit greyscale, filter 0 on every line), checking the
 * chunks' framing on the way: enough to prove the encoder's image is the matrix it was given.
 */
export function decodeBitmapPng(png: Buffer): { width: number; height: number; dark: boolean[][] } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (;;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8)]).toEqual([1, 0, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = Math.ceil(width / 8);
  const dark: boolean[][] = [];
  for (let y = 0; y < height; y++) {
    expect(raw[y * (rowBytes + 1)]).toBe(0);
    const row: boolean[] = [];
    for (let x = 0; x < width; x++) row.push((raw[y * (rowBytes + 1) + 1 + (x >> 3)]! & (0x80 >> (x & 7))) === 0);
    dark.push(row);
  }
  return { width, height, dark };
}

/** One pixel per module again: the top-left pixel of each `scale`-square. */
export function modulesOf(dark: boolean[][], scale: number): boolean[][] {
  return dark.filter((_, y) => y % scale === 0).map((row) => row.filter((_, x) => x % scale === 0));
}
