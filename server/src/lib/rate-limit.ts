import { AppError } from './errors.js';

/**
 * Fixed-window counters per key (an IP address, an e-mail address). In memory, per process:
 * with several processes each allows the limit, which still stops floods.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly options: { max: number; windowMs: number; now?: () => number }) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Counts a hit; throws 429 `rate_limited` with a Retry-After when over the limit. */
  hit(key: string): void {
    const now = this.now();
    if (this.windows.size > 10_000) this.prune(now);
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.options.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count > this.options.max) {
      const retryAfter = Math.max(1, Math.ceil((window.start + this.options.windowMs - now) / 1000));
      throw new AppError('rate_limited', {
        headers: { 'Retry-After': String(retryAfter) },
        detail: `retry-after=${retryAfter}`,
      });
    }
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.options.windowMs) this.windows.delete(key);
    }
  }
}
