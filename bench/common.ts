/** What the benchmarks share: option checks, a fresh PostgreSQL database, percentiles, seeded numbers. */
import { createPostgresDatabase } from '../server/src/test/databases.js';

/** A bad option: the message, and exit status 2. */
export function usageError(message: string): never {
  console.error(message);
  process.exit(2);
}

/** Prints `usage` and exits when --help was given. */
export function helpRequested(help: boolean | undefined, usage: string): void {
  if (!help) return;
  console.log(usage);
  process.exit(0);
}

/** `--name` as a whole number from `min` to `max`. */
export function integer(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) usageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** `--name` as one of `choices`. */
export function oneOf<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    usageError(`--${name} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`);
  }
  return value as T;
}

export type DatabaseChoice = { kind: 'pglite' } | { kind: 'postgres'; adminUrl: string };

/** `--db pglite|postgres`; postgres needs an admin URL in BENCH_DATABASE_URL or TEST_DATABASE_URL. */
export function databaseOption(value: string | undefined): DatabaseChoice {
  const kind = oneOf('db', value, ['pglite', 'postgres'] as const);
  if (kind === 'pglite') return { kind };
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || '';
  if (!adminUrl) {
    usageError('--db postgres needs BENCH_DATABASE_URL or TEST_DATABASE_URL (an admin URL; a fresh database is made)');
  }
  return { kind, adminUrl };
}

/** A fresh, empty benchmark database on the server of `adminUrl`: its URL, and how to drop it. */
export function createBenchDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  return createPostgresDatabase({ adminUrl, prefix: 'amtsraum_bench_' });
}

/** The p-th percentile (nearest rank) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Numbers in [0, 1) from a 32-bit seed (mulberry32): the same seed, the same sequence. */
export function seededRandom(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
