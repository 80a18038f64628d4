import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** What the web build writes beside each asset (web/vite/precompress.ts), best first. */
const ENCODINGS = [
  { name: 'br', extension: '.br' },
  { name: 'gzip', extension: '.gz' },
] as const;

/** The encodings an Accept-Encoding header allows (q=0 refuses one). */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(name);
  }
  return accepted;
}

/**
 * Serves `file.br` or `file.gz` in place of `file` when the build made one and the browser takes
 * it: the app serves its own assets (there may be no reverse proxy compressing them), and a
 * citizen on an old phone should not download 600 kB where 150 kB do (issue 14). Anything else
 * falls through to the static files.
 */
export function precompressedAssets(dir: string, options: { maxAge: string; immutable: boolean }): RequestHandler {
  const root = path.resolve(dir);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let relative: string;
    try {
      relative = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    const file = path.resolve(root, `.${relative}`);
    if (!file.startsWith(root + path.sep)) return next();
    const accepted = acceptedEncodings(req.headers['accept-encoding']);
    const encoding = ENCODINGS.find((e) => accepted.has(e.name) && fs.existsSync(file + e.extension));
    res.vary('Accept-Encoding');
    if (!encoding) return next();
    res.type(path.extname(file));
    res.set('Content-Encoding', encoding.name);
    res.sendFile(file + encoding.extension, { maxAge: options.maxAge, immutable: options.immutable }, (error) => {
      if (error && !res.headersSent) next(error);
    });
  };
}
