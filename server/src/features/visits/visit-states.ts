import type { Channel, VisitState } from '@amtsraum/shared';
import { and, eq, inArray, isNotNull, lt, lte, not, notInArray, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { appointments, departments, staffMemberships, ticketCounters, visits } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import { prepared } from '../../db/prepared.js';
import { queueOrder } from './queue-order.js';

/**
 * A visit's states and every change between them (DESIGN.md: every state change goes through one
 * module of transitions), used by every feature and both call transports:
 *
 *   enqueue ─▶ waiting ─admit─▶ admitted ─enterCall─▶ in_call ─finish─▶ done
 *                 │                 ├─finish─▶ done (on site: called to a counter, then served)
 *                 │                 ├─noShowCalled─▶ no_show (called or let in, nobody came;
 *                 │                 │                 by video also from in_call)
 *                 ├─decline─▶ declined       │                  └─callOver─▶ done
 *                 ├─expire──▶ expired        │
 *                 ├─dropUnattended─▶ unattended (nobody on duty past the hold; walk-ins only)
 *                 └─leave───▶ left ◀─leave───┘ (admitted only; a call is ended by the clerk,
 *                                               or by the media server when everyone has gone)
 *
 * Each transition is one conditional UPDATE with the state it starts from in its `where`, so of
 * two clerks or processes acting at once exactly one wins and the other gets `undefined` (or an
 * empty list) back. Transitions change rows only; the audit entry and the live event are the
 * caller's, who knows who acted.
 */

/** In the queue. */
export const WAITING = ['waiting'] as const satisfies readonly VisitState[];
/** Let in by a clerk: admitted (on the way into the call) or in the call. */
export const WITH_CLERK = ['admitted', 'in_call'] as const satisfies readonly VisitState[];
/** In the queue or with a clerk: what the door, the console and the citizen's page show. */
export const ACTIVE = [...WAITING, ...WITH_CLERK] as const satisfies readonly VisitState[];
/** Over, one way or another (`no_show`: called to a counter, nobody came; issue 16). */
export const ENDED = [
  'done',
  'declined',
  'left',
  'expired',
  'no_show',
  'unattended',
] as const satisfies readonly VisitState[];
/** What the citizen may still walk away from; a call is ended by the clerk. */
const LEAVABLE = ['waiting', 'admitted'] as const satisfies readonly VisitState[];

const within = (group: readonly VisitState[]) => (state: VisitState) => group.includes(state);
export const isWaiting = within(WAITING);
export const isWithClerk = within(WITH_CLERK);
export const isActive = within(ACTIVE);
export const isEnded = within(ENDED);

/** For a `where` on visits: the visit's state is in `group`. */
export const stateIn = (group: readonly VisitState[]): SQL => inArray(visits.state, [...group]);

/** What callers need of a visit that changed: for its audit entry, its event and its appointment. */
const changed = {
  id: visits.id,
  tenantId: visits.tenantId,
  departmentId: visits.departmentId,
  appointmentId: visits.appointmentId,
};
export type ChangedVisit = { id: string; tenantId: string; departmentId: string; appointmentId: string | null };

/**
 * A new visit enters its department's queue, waiting: a knock, or an appointment arrival.
 * `db` may be a transaction handle (the knock's cap check, the arrival's appointment lock).
 */
export async function enqueue(
  db: Db,
  values: Omit<typeof visits.$inferInsert, 'state' | 'id'> & { createdAt: Date },
): Promise<string> {
  const [row] = await db
    .insert(visits)
    .values({ ...values, state: 'waiting', lastSeenAt: values.createdAt })
    .returning({ id: visits.id });
  if (!row) throw new Error('insert returned nothing');
  return row.id;
}

/** An on-site visit (issue 16) is forgotten when it still waits this long after it came: the day is over. */
export const ONSITE_WAIT_LIMIT_MS = 12 * 3600_000;

/**
 * An on-site visit enters the queue with the next ticket number of its department's `day` (the
 * tenant's calendar day, `YYYY-MM-DD`): a kiosk check-in or walk-in ticket, or a clerk's check-in
 * at the counter. The counter row is locked by its update until the transaction ends, so concurrent
 * draws get consecutive, distinct numbers; a draw that rolls back returns its number.
 */
export async function enqueueOnsite(
  db: Db,
  values: Omit<typeof visits.$inferInsert, 'state' | 'id' | 'channel' | 'ticketDay' | 'ticketNumber'> & {
    createdAt: Date;
    day: string;
  },
): Promise<{ id: string; ticketNumber: number }> {
  const { day, ...visit } = values;
  return db.transaction(async (tx) => {
    const [counter] = await tx
      .insert(ticketCounters)
      .values({ departmentId: visit.departmentId, day, last: 1 })
      .onConflictDoUpdate({
        target: [ticketCounters.departmentId, ticketCounters.day],
        set: { last: sql`${ticketCounters.last} + 1` },
      })
      .returning({ last: ticketCounters.last });
    if (!counter) throw new Error('ticket counter returned nothing');
    const id = await enqueue(tx, { ...visit, channel: 'onsite', ticketDay: day, ticketNumber: counter.last });
    return { id, ticketNumber: counter.last };
  });
}

/** The clerk's counter in the department, as a scalar subquery (null without one). */
function membershipCounter(staffId: SQLWrapper | string, departmentId: SQLWrapper | string): SQL {
  return sql`(select ${staffMemberships.counterName} from ${staffMemberships} where ${staffMemberships.staffId} = ${staffId}::uuid and ${staffMemberships.departmentId} = ${departmentId}::uuid)`;
}

/**
 * The admit's one statement, built once per database (db/prepared.ts): for "next" (SKIP LOCKED) or
 * a named visit (waited for), with the counter given or the clerk's own.
 */
function admitStatement(db: Db, next: boolean, given: boolean) {
  const name = `visit_admit_${next ? 'next' : 'named'}${given ? '_counter' : ''}`;
  return prepared(db, name, () => {
    const departmentId = sql`${sql.placeholder('departmentId')}::uuid`;
    const now = sql`${sql.placeholder('now')}::timestamptz`;
    const candidate = db
      .select({ id: visits.id })
      .from(visits)
      .where(
        and(
          eq(visits.departmentId, departmentId),
          stateIn(WAITING),
          // "Next" passes over those whose connection is lost (they keep their place): told by
          // the hub, or unseen by every process (the one holding their socket died).
          next
            ? and(
                sql`${visits.id} <> all(${sql.placeholder('passOver')}::uuid[])`,
                sql`(${visits.channel} <> 'video' or ${visits.lastSeenAt} >= ${sql.placeholder('seenSince')}::timestamptz)`,
              )
            : eq(visits.id, sql`${sql.placeholder('visitId')}::uuid`),
        ),
      )
      .orderBy(...queueOrder(now))
      .limit(1)
      // Two clerks pressing "next" take two different people; a named visit is waited for.
      .for('update', next ? { skipLocked: true } : undefined);
    const counter = given
      ? sql`${sql.placeholder('counter')}::text`
      : membershipCounter(sql.placeholder('staffId'), sql.placeholder('departmentId'));
    const onsite = sql`${visits.channel} = 'onsite'`;
    return db
      .update(visits)
      .set({
        state: 'admitted',
        admittedBy: sql`${sql.placeholder('staffId')}::uuid`,
        admittedAt: now,
        calledAt: sql`case when ${onsite} then ${now} else ${visits.calledAt} end`,
        calledCounter: sql`case when ${onsite} then ${counter} else ${visits.calledCounter} end`,
      })
      .where(
        and(
          sql`${visits.id} = ${candidate}`,
          eq(visits.departmentId, departmentId),
          stateIn(WAITING),
          sql`(not ${onsite} or ${counter} is not null)`,
        ),
      )
      .returning({
        id: visits.id,
        tenantId: visits.tenantId,
        channel: visits.channel,
        ticketNumber: visits.ticketNumber,
        calledCounter: visits.calledCounter,
      })
      .prepare(name);
  });
}

/**
 * A clerk lets one waiting visit in: the given one, or for `'next'` the first in queue order
 * that is not in `passOver` nor a video visit unseen since `seenSince` (the visits whose citizen's
 * connection is lost: "next" started a call with nobody in it; they keep their place and can be
 * let in by name). With only such people waiting, `queue_only_lost`.
 * A video visit is admitted into the call; an on-site visit is called to the clerk's counter
 * (issue 16: one queue, one "next"), which it needs: without one, `counter_required`. The counter
 * is the clerk's in the department (`staff_memberships.counter_name`), read by the statement
 * itself, unless `counter` is given.
 * Of two clerks admitting the same person exactly one wins; two pressing "next" take two different
 * people (SKIP LOCKED); a clerk already with someone is refused by the database itself
 * (`visits_one_active_per_clerk`): `clerk_busy`.
 *
 * One statement (issue 14, item 2): the candidate, the counter and the busy check are all in the
 * `UPDATE`, because everyone waiting hears of the admit only after it, and on the embedded database
 * each statement before it held up the fan-out of the change before as well. Only when nothing was
 * admitted is it read why (busy, empty, no counter), in the order the checks always had.
 */
export async function admit(
  db: Db,
  options: {
    departmentId: string;
    visitId: string | 'next';
    staffId: string;
    now: Date;
    counter?: string | null;
    passOver?: readonly string[];
    /** For "next": a video visit not seen since (no page connected anywhere) is passed over too. */
    seenSince?: Date;
  },
): Promise<
  | { id: string; tenantId: string; channel: Channel; ticketNumber: number | null; calledCounter: string | null }
  | undefined
> {
  const next = options.visitId === 'next';
  const given = options.counter !== undefined;
  let row;
  try {
    [row] = await admitStatement(db, next, given).execute({
      departmentId: options.departmentId,
      visitId: next ? null : options.visitId,
      staffId: options.staffId,
      now: options.now.toISOString(),
      counter: options.counter ?? null,
      // Uuids as an array literal: the same text on both drivers.
      passOver: `{${(next ? (options.passOver ?? []) : []).join(',')}}`,
      seenSince: (options.seenSince ?? new Date(0)).toISOString(),
    });
  } catch (error) {
    if (isUniqueViolation(error, 'visits_one_active_per_clerk')) throw new AppError('clerk_busy');
    throw error;
  }
  if (row) return row;
  // Nothing admitted: why, as the checks before the statement used to say it.
  const counter = given
    ? sql`${options.counter ?? null}::text`
    : membershipCounter(options.staffId, options.departmentId);
  const [busy] = await db
    .select({ id: visits.id })
    .from(visits)
    .where(and(eq(visits.admittedBy, options.staffId), stateIn(WITH_CLERK)))
    .limit(1);
  if (busy) throw new AppError('clerk_busy');
  const unseen = options.seenSince
    ? and(eq(visits.channel, 'video'), lt(visits.lastSeenAt, options.seenSince))
    : undefined;
  const [first] = await db
    .select({ channel: visits.channel, counter: sql<string | null>`${counter}` })
    .from(visits)
    .where(
      and(
        eq(visits.departmentId, options.departmentId),
        stateIn(WAITING),
        !next
          ? eq(visits.id, options.visitId)
          : and(
              options.passOver?.length ? notInArray(visits.id, [...options.passOver]) : undefined,
              unseen ? not(unseen) : undefined,
            ),
      ),
    )
    .orderBy(...queueOrder(options.now))
    .limit(1);
  if (first?.channel === 'onsite' && first.counter === null) throw new AppError('counter_required');
  if (next && !first && (options.passOver?.length || unseen)) {
    const [lost] = await db
      .select({ id: visits.id })
      .from(visits)
      .where(
        and(
          eq(visits.departmentId, options.departmentId),
          stateIn(WAITING),
          or(options.passOver?.length ? inArray(visits.id, [...options.passOver]) : undefined, unseen),
        ),
      )
      .limit(1);
    if (lost) throw new AppError('queue_only_lost');
  }
  // "Next" found nobody it could take (the rest being taken by other clerks right now, as before).
  if (next) throw new AppError('queue_empty');
  // Taken by another clerk meanwhile, or not waiting in this department.
  return undefined;
}

/**
 * The clerk calls their on-site visit again (the display shows it once more, with the gong): only
 * the clerk who called it, only while it is with them. Undefined otherwise.
 */
export async function recall(
  db: Db,
  options: { departmentId: string; visitId: string; staffId: string; now: Date },
): Promise<{ id: string; tenantId: string; calledCounter: string | null } | undefined> {
  const [row] = await db
    .update(visits)
    .set({ calledAt: options.now })
    .where(
      and(
        eq(visits.id, options.visitId),
        eq(visits.departmentId, options.departmentId),
        eq(visits.admittedBy, options.staffId),
        eq(visits.channel, 'onsite'),
        eq(visits.state, 'admitted'),
      ),
    )
    .returning({ id: visits.id, tenantId: visits.tenantId, calledCounter: visits.calledCounter });
  return row;
}

/**
 * The person called to the counter (issue 16), or let in by video, did not come: only the clerk
 * who let them in; on site a visit still called, by video one admitted or in the call (the clerk
 * waited in it alone: a visit let in by video and then only ended was counted as served, in the
 * statistics and in the handling time behind every wait estimate). It ends as `no_show`; an
 * appointment it came for is missed too.
 */
export async function noShowCalled(
  db: Db,
  options: { departmentId: string; visitId: string; staffId: string; now: Date },
): Promise<ChangedVisit | undefined> {
  const [row] = await db
    .update(visits)
    .set({ state: 'no_show', endedAt: options.now, callKey: null })
    .where(
      and(
        eq(visits.id, options.visitId),
        eq(visits.departmentId, options.departmentId),
        eq(visits.admittedBy, options.staffId),
        or(
          and(eq(visits.channel, 'onsite'), eq(visits.state, 'admitted')),
          // Let in by video and never come: the clerk may be in the call already, waiting alone.
          and(eq(visits.channel, 'video'), stateIn(WITH_CLERK)),
        ),
      ),
    )
    .returning(changed);
  if (row) await settleArrivals(db, [row.appointmentId], 'no_show');
  return row;
}

/**
 * The first participant is in the call (a peer-to-peer join, or LiveKit's webhook). Undefined when
 * the visit was in the call already, or is no longer admitted.
 */
export async function enterCall(db: Db, visitId: string): Promise<{ departmentId: string } | undefined> {
  const [row] = await db
    .update(visits)
    .set({ state: 'in_call' })
    .where(and(eq(visits.id, visitId), eq(visits.state, 'admitted')))
    .returning({ departmentId: visits.departmentId });
  return row;
}

/** The clerk who admitted the visit finishes it: served. */
export async function finish(
  db: Db,
  options: { departmentId: string; visitId: string; staffId: string; now: Date },
): Promise<ChangedVisit | undefined> {
  const statement = prepared(db, 'visit_finish', () =>
    db
      .update(visits)
      .set({ state: 'done', endedAt: sql`${sql.placeholder('now')}::timestamptz`, callKey: null })
      .where(
        and(
          eq(visits.id, sql.placeholder('visitId')),
          eq(visits.departmentId, sql.placeholder('departmentId')),
          eq(visits.admittedBy, sql.placeholder('staffId')),
          stateIn(WITH_CLERK),
        ),
      )
      .returning(changed)
      .prepare('visit_finish'),
  );
  const [row] = await statement.execute({
    visitId: options.visitId,
    departmentId: options.departmentId,
    staffId: options.staffId,
    now: options.now.toISOString(),
  });
  if (row) await settleArrivals(db, [row.appointmentId], 'served');
  return row;
}

/**
 * The media server reports the call over while nobody ended it here: its room finished because
 * everyone had left (LiveKit's departure timeout), or an operator closed it. The visit was served
 * as far as anyone can tell; only a visit in the call ends this way (an admitted visit whose
 * empty room timed out keeps its place, and the next join opens a new room).
 */
export async function callOver(db: Db, options: { visitId: string; now: Date }): Promise<ChangedVisit | undefined> {
  const [row] = await db
    .update(visits)
    .set({ state: 'done', endedAt: options.now, callKey: null })
    .where(and(eq(visits.id, options.visitId), eq(visits.state, 'in_call')))
    .returning(changed);
  if (row) await settleArrivals(db, [row.appointmentId], 'served');
  return row;
}

/** A clerk turns a waiting visit away, with an optional note the citizen sees. */
export async function decline(
  db: Db,
  options: { departmentId: string; visitId: string; note: string | null; now: Date },
): Promise<ChangedVisit | undefined> {
  const [row] = await db
    .update(visits)
    .set({ state: 'declined', endedAt: options.now, declineNote: options.note })
    .where(and(eq(visits.id, options.visitId), eq(visits.departmentId, options.departmentId), stateIn(WAITING)))
    .returning(changed);
  if (row) await settleArrivals(db, [row.appointmentId], 'not_served');
  return row;
}

/** The citizen leaves the queue, or an admission they no longer want. */
export async function leave(db: Db, options: { visitId: string; now: Date }): Promise<ChangedVisit | undefined> {
  const statement = prepared(db, 'visit_leave', () =>
    db
      .update(visits)
      .set({ state: 'left', endedAt: sql`${sql.placeholder('now')}::timestamptz`, callKey: null })
      .where(and(eq(visits.id, sql.placeholder('visitId')), stateIn(LEAVABLE)))
      .returning(changed)
      .prepare('visit_leave'),
  );
  const [row] = await statement.execute({ visitId: options.visitId, now: options.now.toISOString() });
  if (row) await settleArrivals(db, [row.appointmentId], 'not_served');
  return row;
}

/**
 * Waiting citizens unseen since `cutoff` are dropped. An on-site visit has no page to be seen by:
 * it is dropped only when it still waits `ONSITE_WAIT_LIMIT_MS` after it came (the day is over).
 * Safe in several processes at once: the conditional update hands each visit to exactly one of them.
 */
export async function expireAbsent(db: Db, options: { cutoff: Date; now: Date }): Promise<ChangedVisit[]> {
  const expired = await db
    .update(visits)
    .set({ state: 'expired', endedAt: options.now })
    .where(
      and(
        stateIn(WAITING),
        or(
          and(eq(visits.channel, 'video'), lt(visits.lastSeenAt, options.cutoff)),
          and(
            eq(visits.channel, 'onsite'),
            lt(visits.createdAt, new Date(options.now.getTime() - ONSITE_WAIT_LIMIT_MS)),
          ),
        ),
      ),
    )
    .returning(changed);
  await settleArrivals(
    db,
    expired.map((row) => row.appointmentId),
    'not_served',
  );
  return expired;
}

/**
 * Walk-ins waiting at a door nobody attends, whose place was held until `heldUntil(row) <= now`,
 * end as `unattended`. The hold runs from when the door was last attended or from the knock,
 * whichever is later (`unattended_since` is the attendance job's stamp); a department somebody
 * attends again meanwhile keeps its queue, since the job clears the stamp first. Appointment
 * arrivals are not dropped: their time is booked. Safe in several processes at once.
 */
export async function dropUnattended(
  db: Db,
  options: { holdMs: number; now: Date; attendedDepartments: SQLWrapper[] },
): Promise<ChangedVisit[]> {
  const cutoff = new Date(options.now.getTime() - options.holdMs);
  return db
    .update(visits)
    .set({ state: 'unattended', endedAt: options.now })
    .where(
      and(
        stateIn(WAITING),
        eq(visits.kind, 'walk_in'),
        // Somebody on a chair in the town hall is not sent home by a timer; staff see them.
        eq(visits.channel, 'video'),
        lte(visits.createdAt, cutoff),
        inArray(
          visits.departmentId,
          db
            .select({ id: departments.id })
            .from(departments)
            .where(and(isNotNull(departments.unattendedSince), lte(departments.unattendedSince, cutoff))),
        ),
        ...options.attendedDepartments.map((attended) => notInArray(visits.departmentId, attended)),
      ),
    )
    .returning(changed);
}

/**
 * What an arrival's end means for its appointment, settled here so that no way of ending a visit
 * can forget it (the appointments feature depends on visits, never the other way round; this
 * writes the appointment's state column and nothing else). Served: `done`. Not served (the citizen
 * left, was gone past the grace period, or was declined): back to `booked`, so the join link lets
 * them in again until the appointment's end; after that a clerk can mark a no-show. No show (called
 * to a counter, nobody came): the appointment is missed, `no_show`.
 */
async function settleArrivals(
  db: Db,
  appointmentIds: (string | null)[],
  outcome: 'served' | 'not_served' | 'no_show',
): Promise<void> {
  const ids = appointmentIds.filter((id): id is string => id !== null);
  if (ids.length === 0) return;
  await db
    .update(appointments)
    .set({ state: outcome === 'served' ? 'done' : outcome === 'no_show' ? 'no_show' : 'booked' })
    .where(
      and(
        inArray(appointments.id, ids),
        outcome === 'served' ? inArray(appointments.state, ['arrived', 'booked']) : eq(appointments.state, 'arrived'),
      ),
    );
}
