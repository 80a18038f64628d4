import type { Database } from '../db/client.js';
import type { Logger } from './logger.js';

/** What the IT staff read, in the log and the readiness answer, while the database's disk is full. */
export const DISK_FULL_REASON =
  "the database's disk is full: nothing can be saved (no knock, sign-in or booking) until space is freed " +
  "on DATA_DIR's disk (embedded database) or the PostgreSQL server's. Ready again by itself once a write succeeds";

/** A statement refused because the database's disk is full (SQLSTATE 53100; drizzle wraps the driver's error). */
export function isDiskFullError(error: unknown): boolean {
  for (let inner: unknown = error; inner instanceof Error; inner = inner.cause) {
    if ((inner as { code?: unknown }).code === '53100') return true;
  }
  return false;
}

/**
 * What this process saw of the database's writes: every part that writes (the requests' error
 * handler, the live hub, the mail worker, the scheduled jobs) hands its failures to `note`, and
 * readiness says not ready from the first write refused for lack of space until a write that
 * needs new room succeeds again (`stillFull`). A citizen's socket and the heartbeat write too, so
 * a process whose HTTP requests happen to read only still learns of it.
 */
export class DiskWatch {
  private full = false;
  /** Raised on each change, so an answer cached before it is not given after it. */
  private changes = 0;

  constructor(private readonly logger: Pick<Logger, 'warn' | 'info'>) {}

  get generation(): number {
    return this.changes;
  }

  /** Notes `error` if it is a write refused for lack of space (said once in the log); true if it was. */
  note(error: unknown): boolean {
    if (!isDiskFullError(error)) return false;
    if (!this.full) {
      this.full = true;
      this.changes++;
      this.logger.warn({ code: 'database_disk_full' }, `readiness: not ready, ${DISK_FULL_REASON}`);
    }
    return true;
  }

  /**
   * Whether the disk is still full. Asks the database only while a refusal stands: the probe
   * writes (a temporary table's page), which monitoring must not cause every second while all is well.
   */
  async stillFull(database: Pick<Database, 'writeProbe'>): Promise<boolean> {
    if (!this.full) return false;
    if ((await database.writeProbe()) === 'disk_full') return true;
    if (this.full) {
      this.full = false;
      this.changes++;
      this.logger.info('readiness: the database takes writes again; ready');
    }
    return false;
  }
}
