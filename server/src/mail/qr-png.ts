import { crc32, deflateSync } from 'node:zlib';
import { encode } from 'uqr';

/**
 * A QR code as a PNG image, for the on-site confirmation e-mail (issue 16): mail clients show an
 * inline image but run no script, so the server draws it. Black and white only, one bit per
 * pixel (PNG colour type 0, bit depth 1), so a code of a few dozen modules stays a few kilobytes.
 */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([head, body, crc]);
}

/** A 1-bit greyscale PNG of `dark` (true: black), each module `scale` pixels square. */
export function bitmapPng(dark: boolean[][], scale: number): Buffer {
  const modules = dark.length;
  const side = modules * scale;
  const rowBytes = Math.ceil(side / 8);
  // Each scanline: filter type 0 (none), then the pixels, most significant bit first; 1 is white.
  const raw = Buffer.alloc((rowBytes + 1) * side);
  for (let y = 0; y < side; y++) {
    const row = dark[Math.floor(y / scale)]!;
    const offset = y * (rowBytes + 1) + 1;
    for (let x = 0; x < side; x++) {
      if (!row[Math.floor(x / scale)]) raw[offset + (x >> 3)]! |= 0x80 >> (x & 7);
    }
    // Padding bits past the right edge stay 0; decoders ignore them.
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering (each line says none)
  header[12] = 0; // no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * The QR code of `text` as a PNG: error correction M (a creased printout still scans) and the
 * quiet zone of four modules the standard asks for, which phones and kiosk cameras need.
 */
export function qrPng(text: string, options: { scale?: number } = {}): Buffer {
  const { data } = encode(text, { ecc: 'M', border: 4 });
  return bitmapPng(data, options.scale ?? 6);
}
