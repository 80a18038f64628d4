import { describe, expect, it } from 'vitest';
import { LoopLoad } from './loop-load.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the event loop working for `ms`, in turns of 10 ms, as a stream of requests would. */
async function work(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const turn = performance.now() + 10;
    while (performance.now() < turn) {
      // busy
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('LoopLoad', () => {
  it('says busy after a span the loop spent working, and calm after one it spent waiting', async () => {
    const load = new LoopLoad();
    load.busy();
    await work(150);
    expect(load.busy()).toBe(true);
    await pause(150);
    expect(load.busy()).toBe(false);
    // Each question covers the span since the one before: the work before a calm span is forgotten.
    await work(150);
    await pause(300);
    expect(load.busy()).toBe(false);
  });

  it('keeps a reading per caller, so one asking often does not hide the load from another', async () => {
    const often = new LoopLoad();
    const seldom = new LoopLoad();
    often.busy();
    seldom.busy();
    await work(150);
    expect(often.busy()).toBe(true);
    often.busy();
    expect(seldom.busy()).toBe(true);
  });
});
