/**
 * Waits for statements that were all sent before the first answer came back, and returns their
 * results in the order given; fails with the first of them, in that order, that failed.
 *
 * In a transaction on PostgreSQL, statements started one after another without awaiting each
 * (each a drizzle query or a function that sends one before its first `await`) go out on the
 * transaction's connection together: postgres.js pipelines them, and the server runs them in the
 * order sent. So a lock and the reads it guards cost one round trip instead of one each, and the
 * reads still see what the lock protects. Under load that matters more than the network: each
 * answer waits for a turn of the app's busy event loop (issue 14, the rush). On PGlite the
 * statements simply run one after another.
 *
 * Every step is awaited, also after one failed, so none is left as an unhandled rejection; the
 * first failure in order is the cause (a statement after a failed one fails only because the
 * transaction is aborted).
 */
export async function inOrder<T extends readonly unknown[]>(steps: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(steps);
  const values: unknown[] = [];
  for (const step of settled) {
    if (step.status === 'rejected') throw step.reason;
    values.push(step.value);
  }
  return values as unknown as T;
}
