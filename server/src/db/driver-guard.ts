import type { Logger } from '../lib/logger.js';

/**
 * postgres.js (3.4.9) reads the database's array types as the first statement of every new
 * connection, and drops the promise of that read: when the connection dies during it (PostgreSQL
 * restarting, a failover, a proxy or firewall cutting idle links, a backend terminated), the
 * failure surfaces as an unhandled rejection, which ends a Node process. The query that asked for
 * the connection fails on its own and is answered (503); the process must not go with it.
 * Upstream: https://github.com/porsager/postgres/issues/1192 (and #1205, #1223).
 */
const TYPES_READ = /from pg_catalog\.pg_type a\s+left join pg_catalog\.pg_type b/;

/** True for the driver's own array-types read failing, as an error or as its serialized copy. */
export function isLostTypesRead(reason: unknown): boolean {
  if (typeof reason !== 'object' || reason === null) return false;
  const query = (reason as { query?: unknown }).query;
  return typeof query === 'string' && TYPES_READ.test(query);
}

/**
 * Keeps the process running through that one failure (logged as a warning, without the error's
 * parameters); every other unhandled rejection still ends it, as Node's default does.
 */
export function guardAgainstLostTypesReads(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    if (isLostTypesRead(reason)) {
      const code = (reason as { code?: unknown }).code;
      logger.warn(
        { code: typeof code === 'string' ? code : undefined },
        'a database connection was lost while opening',
      );
      return;
    }
    logger.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });
}
