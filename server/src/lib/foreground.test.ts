import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { Foreground } from './foreground.js';

/** A request of `method` through the middleware; `end()` closes its answer. */
function request(foreground: Foreground, method: string) {
  const res = new EventEmitter();
  let passed = false;
  foreground.middleware({ method } as Request, res as unknown as Response, (() => (passed = true)) as NextFunction);
  expect(passed).toBe(true);
  return { end: () => res.emit('close') };
}

describe('Foreground (the changing requests the live hub’s rounds let pass)', () => {
  it('counts changing requests until their answer closes, once each, and not reads', () => {
    const foreground = new Foreground();
    const post = request(foreground, 'POST');
    request(foreground, 'GET');
    request(foreground, 'HEAD');
    const del = request(foreground, 'DELETE');
    expect(foreground.underWay).toBe(2);
    post.end();
    post.end();
    expect(foreground.underWay).toBe(1);
    del.end();
    expect(foreground.underWay).toBe(0);
  });

  it('lets a round go on at once when nothing is under way', async () => {
    const foreground = new Foreground(60_000);
    await foreground.yieldTo();
    expect(foreground.waiting).toBe(0);
  });

  it('holds a round until the last request under way is answered', async () => {
    const foreground = new Foreground(60_000);
    const first = request(foreground, 'POST');
    const second = request(foreground, 'PATCH');
    let resumed = false;
    const round = foreground.yieldTo().then(() => (resumed = true));
    await expect.poll(() => foreground.waiting).toBe(1);
    first.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(resumed).toBe(false);
    second.end();
    await round;
    expect(foreground.waiting).toBe(0);
  });

  it('counts work of its own while it runs, and passes its result and its error on', async () => {
    const foreground = new Foreground(60_000);
    let release!: () => void;
    const work = foreground.during(() => new Promise<string>((resolve) => (release = () => resolve('told'))));
    expect(foreground.underWay).toBe(1);
    const round = foreground.yieldTo();
    await expect.poll(() => foreground.waiting).toBe(1);
    release();
    await expect(work).resolves.toBe('told');
    await round;
    await expect(foreground.during(() => Promise.reject(new Error('read failed')))).rejects.toThrow('read failed');
    expect(foreground.underWay).toBe(0);
  });

  it('never holds a round longer than its longest wait, however long a request stays under way', async () => {
    // A client that never sends its body's end must not stop the pings or the sightings.
    const foreground = new Foreground(5);
    request(foreground, 'POST');
    for (let i = 0; i < 20; i++) await foreground.yieldTo();
    expect(foreground.waiting).toBe(0);
    expect(foreground.underWay).toBe(1);
    // The waits that ran out left nothing behind to wake.
    expect((foreground as unknown as { idle: unknown[] }).idle).toHaveLength(0);
  });
});
