import type { Db } from '../db/client.js';
import { purgeAppointmentPersonalData } from '../features/appointments/appointments.repo.js';
import { purgeVisitPersonalData } from '../features/visits/visits.repo.js';

/**
 * Personal data of citizens (names, concerns, the clerk's note; for appointments also e-mail and
 * phone) is kept only for the retention period after a visit or appointment ended; the rows stay,
 * anonymous, for statistics and the audit trail. Returns how many rows were purged. Safe in
 * several processes at once: a second purge of the same row finds nothing left to clear.
 */
export async function purgePersonalData(db: Db, retentionDays: number, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600_000);
  return (await purgeVisitPersonalData(db, cutoff)) + (await purgeAppointmentPersonalData(db, cutoff));
}
