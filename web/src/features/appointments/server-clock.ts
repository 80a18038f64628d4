/**
 * The office's clock as this page knows it. A citizen's old phone may be minutes or hours off, or
 * set to a wrong zone: whether the waiting room is open, whether the appointment is over and when
 * the join page tries again follow the office's time, which comes with each answer about the
 * appointment (`serverTime`). Until one has come, the phone's own clock is all there is.
 */
let offsetMs = 0;

/**
 * How far the office's clock is ahead of this device's (negative: behind), from its `serverTime`
 * and when the answer arrived here. The answer's way over the network makes the office seem a
 * little behind: the page then decides a moment late, never early.
 */
export function clockOffset(serverTime: string, receivedAt: number): number {
  const server = Date.parse(serverTime);
  return Number.isFinite(server) ? server - receivedAt : 0;
}

/** Takes the office's clock from an answer just received. */
export function learnServerTime(serverTime: string, receivedAt: number = Date.now()): void {
  offsetMs = clockOffset(serverTime, receivedAt);
}

/** Now on the office's clock (milliseconds since 1970), as near as this page can tell. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}
