import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import jsQR from 'jsqr';
import { encode } from 'uqr';

/**
 * Shared steps of the hybrid office's specs (issue 16): a fake camera that shows a QR code, and a
 * browser that uses it. Chromium's camera file is fixed at launch, so a spec with a kiosk that
 * scans launches a browser of its own.
 */

/**
 * A Y4M video (the raw format Chromium's fake camera reads) of a still QR code: black modules on
 * white, 8 px each, in the middle of a 640×480 frame, a few identical frames (it loops).
 */
export function qrVideo(text: string): string {
  const qr = encode(text, { ecc: 'M', border: 4 });
  const width = 640;
  const height = 480;
  const scale = 8;
  const size = qr.size * scale;
  const left = Math.floor((width - size) / 2);
  const top = Math.floor((height - size) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (qr.data[Math.floor(y / scale)]?.[Math.floor(x / scale)]) luma[(top + y) * width + left + x] = 16;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-kiosk-')), 'qr.y4m');
  fs.writeFileSync(file, Buffer.concat([header, ...Array.from({ length: 10 }, () => frame)]));
  return file;
}

/** A browser whose camera shows `video`, or Chromium's own test pattern without one. */
export async function launchWithCamera(video?: string): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      ...(video ? [`--use-file-for-fake-video-capture=${video}`] : []),
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
    ],
  });
}

/** The text of the QR code in an image (RGBA pixels, as a canvas gives them), or null. */
export function readQrCode(image: { data: number[]; width: number; height: number }): string | null {
  return jsQR(Uint8ClampedArray.from(image.data), image.width, image.height)?.data ?? null;
}
