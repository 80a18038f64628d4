import type { Db } from '../../db/client.js';
import type { EventBus, LiveEvent } from '../../lib/event-bus.js';
import { hashToken, lookupStaffSession, type StaffSession } from './auth.service.js';
import { findMembership } from './staff.repo.js';

/**
 * A clerk's session and membership, as the department routes check them, kept for a few seconds
 * per process (issue 14, item 2). A clerk admitting and finishing one citizen after another read
 * both on every request (twice for a finish): on the embedded database those reads ran in the
 * same thread as the fan-out of the change before, and held it up.
 *
 * What ends access drops what is kept, in every process (decision 003's bus): a session ended
 * (sign-out, deactivation, a password change, an archived municipality: `sessionsEnded`), roles
 * taken away or lowered (`rolesChanged`), a department's setting changed or the department
 * archived (`context`), and a resync after the bus's listener reconnected (events may have been
 * lost). A read that was in flight while any of those arrived is not kept. Only what was found is
 * kept: a refusal is always read again, so a new membership or session works at once.
 *
 * Only the department routes use it. The admin routes and the live hub read the session on every
 * request, as before (the second factor and the admin roles change without an event).
 */
export const STAFF_ACCESS_KEEP_MS = 5_000;
/** Kept entries at most; past it they start over (a few hundred clerks per installation). */
const MAX_ENTRIES = 10_000;

/** `at` and `until` on the machine's clock (`Date.now()`): a test clock standing still keeps nothing longer. */
interface KeptSession {
  session: StaffSession;
  /** When the session ends by itself (expiry, idle time), on the application's clock. */
  endsAt: number;
  at: number;
  until: number;
}

interface KeptMembership {
  role: 'clerk' | 'admin';
  at: number;
  until: number;
}

export class StaffAccess {
  private readonly sessions = new Map<string, KeptSession>();
  /** By `staffId departmentId`. */
  private readonly memberships = new Map<string, KeptMembership>();
  /** Bumped by everything that drops entries: a read begun before is not kept. */
  private epoch = 0;

  constructor(events: EventBus) {
    events.subscribe(
      (event) => this.onEvent(event),
      () => this.forgetAll(),
    );
  }

  private onEvent(event: LiveEvent) {
    if ('sessionsEnded' in event) this.forgetStaff([event.sessionsEnded.staffId]);
    else if ('rolesChanged' in event) this.forgetStaff(event.rolesChanged.staffIds);
    else if ('departmentId' in event && event.context) this.forgetDepartment(event.departmentId);
  }

  private forgetStaff(staffIds: string[]) {
    this.epoch += 1;
    const gone = new Set(staffIds);
    for (const [key, kept] of this.sessions) if (gone.has(kept.session.staff.id)) this.sessions.delete(key);
    // Keys are `staffId departmentId`.
    for (const key of this.memberships.keys())
      if (gone.has(key.slice(0, key.indexOf(' ')))) this.memberships.delete(key);
  }

  private forgetDepartment(departmentId: string) {
    this.epoch += 1;
    for (const key of this.memberships.keys()) if (key.endsWith(` ${departmentId}`)) this.memberships.delete(key);
  }

  private forgetAll() {
    this.epoch += 1;
    this.sessions.clear();
    this.memberships.clear();
  }

  /** Whether a kept entry still answers at `now` (a clock that jumped back does not count). */
  private static fresh(kept: { at: number; until: number } | undefined, now: number): boolean {
    return kept !== undefined && now >= kept.at && now < kept.until;
  }

  /** The live staff session of `token`, as `resolveStaffSession` finds it. */
  async session(db: Db, token: string | undefined, now: Date): Promise<StaffSession | null> {
    if (!token || token.length > 100) return null;
    const tokenHash = hashToken(token);
    const t = Date.now();
    const kept = this.sessions.get(tokenHash);
    if (StaffAccess.fresh(kept, t) && now.getTime() < kept!.endsAt) return kept!.session;
    const epoch = this.epoch;
    const found = await lookupStaffSession(db, token, now);
    if (!found) {
      this.sessions.delete(tokenHash);
      return null;
    }
    if (epoch === this.epoch) {
      if (this.sessions.size >= MAX_ENTRIES) this.sessions.clear();
      this.sessions.set(tokenHash, {
        session: found.session,
        endsAt: found.endsAt.getTime(),
        at: t,
        until: t + STAFF_ACCESS_KEEP_MS,
      });
    }
    return found.session;
  }

  /** The staff member's role in the department, as `findMembership` finds it. */
  async membership(db: Db, staffId: string, departmentId: string): Promise<{ role: 'clerk' | 'admin' } | undefined> {
    const key = `${staffId} ${departmentId}`;
    const t = Date.now();
    const kept = this.memberships.get(key);
    if (StaffAccess.fresh(kept, t)) return { role: kept!.role };
    const epoch = this.epoch;
    const found = await findMembership(db, staffId, departmentId);
    if (!found) {
      this.memberships.delete(key);
      return undefined;
    }
    if (epoch === this.epoch) {
      if (this.memberships.size >= MAX_ENTRIES) this.memberships.clear();
      this.memberships.set(key, { role: found.role, at: t, until: t + STAFF_ACCESS_KEEP_MS });
    }
    return found;
  }
}

/** One per process and bus: the bus's events are what keep it honest. */
const perBus = new WeakMap<EventBus, StaffAccess>();

export function staffAccessOf(events: EventBus): StaffAccess {
  let access = perBus.get(events);
  if (!access) perBus.set(events, (access = new StaffAccess(events)));
  return access;
}
