/**
 * How fresh a waiting citizen's sighting (`visits.last_seen_at`) is kept, and when its absence
 * means nobody watches. Every process writes the sightings of the citizens connected to it (the
 * live hub's first watch and heartbeat, and `GET /api/visit`); every process reads them, so a
 * process that died without a word is noticed by all of them alike (decision 027, addenda).
 */

/** A sighting this recent is not written again: 30 s, and at most a quarter of the grace period. */
export function recentSightingMs(visitGraceSeconds: number): number {
  return Math.min(30_000, (visitGraceSeconds * 1000) / 4);
}

/** Sightings are written every 30 s (beat of 15 s): unseen this much longer, nobody watches. */
export const STALE_MARGIN_MS = 30_000;

/** A waiting video visit not seen for this long has no page connected anywhere. */
export function staleSightingMs(visitGraceSeconds: number): number {
  return recentSightingMs(visitGraceSeconds) + STALE_MARGIN_MS;
}
