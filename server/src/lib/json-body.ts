import type { ErrorCode } from '@amtsraum/shared';
import express, { type RequestHandler } from 'express';
import { AppError } from './errors.js';

/** body-parser's error types (and raw-body's, which it passes on) that say what a client sent wrong. */
export const BODY_ERROR_CODES: Record<string, ErrorCode> = {
  'entity.parse.failed': 'invalid_json',
  'entity.too.large': 'payload_too_large',
  'encoding.unsupported': 'unsupported_media_type',
  'charset.unsupported': 'unsupported_media_type',
};

/** Media types the API reads: JSON, and JSON-based types such as LiveKit's application/webhook+json. */
const JSON_TYPES = ['application/json', '+json'];

/**
 * The API's body reader: JSON only. A body of another type (text/plain, a form) is refused with
 * 415 instead of reaching a handler as no body, and one that cannot be read (gzip that does not
 * inflate, a length that does not match) is a 400: left unnamed, body-parser's errors used to come
 * out of the error handler's catch-all for client errors as 404 route_not_found.
 */
export function jsonBody(options: { limit: string }): RequestHandler {
  const read = namingBodyErrors(express.json({ limit: options.limit, strict: true }));
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && hasContent(req.headers) && !req.is(JSON_TYPES)) {
      next(new AppError('unsupported_media_type'));
      return;
    }
    read(req, res, (error?: unknown) => {
      if (error !== undefined) {
        next(error);
        return;
      }
      const broken = brokenTextAt(req.body as unknown);
      next(
        broken === null
          ? undefined
          : new AppError('validation_failed', { errors: [{ path: broken, message: BROKEN_TEXT_MESSAGE }] }),
      );
    });
  };
}

/** Said of text with half a character in it (messages.ts has it in each language). */
export const BROKEN_TEXT_MESSAGE = 'contains a broken character';

/** Half of a UTF-16 surrogate pair alone: JSON may write one as `\ud800`, no text has one. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Where in a parsed body a string (or a key) holds half a character, or null. Refused for every
 * route at once: stored, such text came back as "�" (the database's UTF-8 cannot hold it), so a
 * knock's name or concern was silently not what was sent.
 */
export function brokenTextAt(value: unknown): string | null {
  // Walked with a list of its own, not by recursion: a 64 kB body can nest 32,000 deep, past the
  // call stack (a RangeError here used to turn a client's mistake into a 500).
  interface Step {
    value: unknown;
    key: string | null;
    parent: Step | null;
  }
  const where = (step: Step) => {
    const path: string[] = [];
    for (let at: Step | null = step; at?.key != null; at = at.parent) path.unshift(at.key);
    return path.join('.') || '(body)';
  };
  const todo: Step[] = [{ value, key: null, parent: null }];
  for (let step = todo.pop(); step; step = todo.pop()) {
    if (typeof step.value === 'string') {
      if (LONE_SURROGATE.test(step.value)) return where(step);
      continue;
    }
    if (typeof step.value !== 'object' || step.value === null) continue;
    // In reverse onto the list, so that the first broken text in the body's order is named.
    const entries = Object.entries(step.value);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, item] = entries[index]!;
      if (LONE_SURROGATE.test(key)) return where(step);
      todo.push({ value: item, key, parent: step });
    }
  }
  return null;
}

/** A body-parser reader whose failures come out as the problems above (also LiveKit's webhook reader). */
export function namingBodyErrors(read: RequestHandler): RequestHandler {
  return (req, res, next) => {
    read(req, res, (error?: unknown) => next(error === undefined ? undefined : bodyError(error)));
  };
}

/** A body with at least one byte: a POST without one (content-length 0) needs no type. */
function hasContent(headers: { 'transfer-encoding'?: string; 'content-length'?: string }): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

function bodyError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { type, status } = error as { type?: unknown; status?: unknown };
  const known = typeof type === 'string' ? BODY_ERROR_CODES[type] : undefined;
  if (known) return new AppError(known);
  // What the reader could not decode (zlib's errors carry no type) or read to its end: the body is
  // unreadable. Errors of the server's own (5xx, such as a stream already read) go on unchanged.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('invalid_json', { internal: `unreadable request body: ${String(error)}` });
  }
  return error;
}
