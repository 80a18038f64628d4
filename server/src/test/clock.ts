/** A test clock that starts at a fixed instant, ticks 1 ms per reading (so order is stable), and can jump. */
export function testClock(start: Date) {
  let t = start.getTime();
  return {
    now: () => new Date((t += 1)),
    advance(ms: number) {
      t += ms;
    },
  };
}

/** A test clock that stands still at `start` until a test sets it; `reset()` goes back to `start`. */
export function settableClock(start: Date) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set(instant: string | Date) {
      t = new Date(instant).getTime();
    },
    reset() {
      t = start.getTime();
    },
  };
}

/** The real clock plus an offset a test can jump, forward or back, as NTP or a host migration does. */
export function jumpableClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    jump(ms: number) {
      offset += ms;
    },
  };
}
