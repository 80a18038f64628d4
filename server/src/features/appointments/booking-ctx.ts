import type { Config } from '../../config.js';
import type { Ctx } from '../../deps.js';
import type { AppointmentRow, DepartmentRow, TenantRow } from './appointments.repo.js';
import type { SlotCache } from './slot-cache.js';

/** What the booking verbs (book, cancel, move, the manage link) share. */

export type BookingCtx = Pick<Ctx, 'db' | 'events' | 'now'> & {
  config: Pick<Config, 'publicBaseUrl' | 'sessionSecret' | 'reminderHours' | 'mail'>;
  /** The citizen routes' slot cache: told at once of this process's own changes (slot-cache.ts). */
  slotCache?: SlotCache;
};

export type Actor = { kind: 'citizen' } | { kind: 'staff'; staffId: string };

/** Who did it, as an audit entry records it. */
export const auditActor = (actor: Actor) => ({
  actorKind: actor.kind,
  actorStaffId: actor.kind === 'staff' ? actor.staffId : null,
});

export const MINUTE = 60_000;

/** A department with its tenant: where an appointment is. */
export interface Office {
  department: DepartmentRow;
  tenant: TenantRow;
}

export interface Found extends Office {
  appointment: AppointmentRow;
}
