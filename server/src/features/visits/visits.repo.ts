import type { VisitState } from '@amtsraum/shared';
import { randomBytes } from 'node:crypto';
import { and, desc, eq, getTableColumns, gt, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { alias, type PgSelect } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { appointments, departments, services, staff, tenants, visits } from '../../db/schema.js';
import { queueOrder } from './queue-order.js';
import { ACTIVE, stateIn, WITH_CLERK } from './visit-states.js';

/** Queries of visits. State changes are not here: they are the transitions in visit-states.ts. */

export type VisitRow = typeof visits.$inferSelect;

const admitter = alias(staff, 'admitter');

/** A visit with what the screens need beside it: its service and who admitted it. */
const visitColumns = {
  visit: visits,
  serviceSlug: services.slug,
  serviceName: services.name,
  serviceDocuments: services.documents,
  admitterName: admitter.name,
  appointmentStartsAt: appointments.startsAt,
  appointmentPersons: appointments.persons,
};

export type VisitWithContext = {
  visit: VisitRow;
  serviceSlug: string | null;
  serviceName: (typeof services.$inferSelect)['name'] | null;
  serviceDocuments: (typeof services.$inferSelect)['documents'] | null;
  admitterName: string | null;
  appointmentStartsAt: Date | null;
  appointmentPersons: number | null;
};

/** Visits with their service, admitting clerk and appointment joined: the rows every screen reads. */
function selectWithContext(db: Db) {
  return withContext(db.select(visitColumns).from(visits).$dynamic());
}

/** `query` (of visits) with the service, the admitting clerk and the appointment joined. */
function withContext<T extends PgSelect>(query: T) {
  return query
    .leftJoin(services, eq(services.id, visits.serviceId))
    .leftJoin(admitter, eq(admitter.id, visits.admittedBy))
    .leftJoin(appointments, eq(appointments.id, visits.appointmentId));
}

/** Waiting, admitted and in-call visits of a department, in queue order at `now`. */
export async function listLiveVisits(db: Db, departmentId: string, now: Date): Promise<VisitWithContext[]> {
  return selectWithContext(db)
    .where(and(eq(visits.departmentId, departmentId), stateIn(ACTIVE)))
    .orderBy(...queueOrder(now));
}

/**
 * The handling-time sample, written once: per department, the last 30 visits finished in the last
 * 30 days, each counted between 1 and 120 minutes; their number (`visits`) and total (`seconds`).
 * A department without any such visit has no row. The mean an estimate uses weighs this against
 * the configured average (`handlingMeanMinutes` in queue.service.ts), which the caller keeps.
 */
function recentSamplesSql(departmentIds: string[], now: Date) {
  const ids = sql.join(
    departmentIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  return recentSamplesOf(ids, sql`${handlingSince(now)}::timestamptz`);
}

/** The oldest end of a visit the handling-time mean counts. */
function handlingSince(now: Date): string {
  return new Date(now.getTime() - 30 * 24 * 3600_000).toISOString();
}

/** `recentSamplesSql` for the department ids `ids` (a list), counting visits ended after `since`. */
function recentSamplesOf(ids: SQL, since: SQL) {
  return sql`
    select recent.department_id, count(*) as visits, sum(least(greatest(recent.seconds, 60), 7200)) as seconds
    from (
      select done.department_id, extract(epoch from done.ended_at - done.admitted_at) as seconds,
        row_number() over (partition by done.department_id order by done.ended_at desc) as n
      from ${visits} as done
      where done.department_id in (${ids}) and done.state = 'done' and done.admitted_at is not null
        and done.ended_at > ${since}
    ) as recent
    where recent.n <= 30
    group by recent.department_id`;
}

/**
 * The department's live visits as `listLiveVisits` reads them, and the recent handling time as
 * `recentHandling` reads it, in one statement: the live hub's read per queue change. The sample
 * rides along as an uncorrelated subquery (evaluated once); with no live visit there is no row to
 * carry it, and `recent` is undefined.
 */
export async function listLiveVisitsWithMean(
  db: Db,
  departmentId: string,
  now: Date,
): Promise<{ live: PrintedVisit[]; recent: RecentHandling | null | undefined }> {
  // Built once per database (db/prepared.ts): it runs after every queue change.
  const statement = prepared(db, 'live_visits_with_mean', () =>
    liveOfDepartment(
      withContext(
        db
          .select({ ...visitColumns, fingerprint, recent: recentOfDepartment })
          .from(visits)
          .$dynamic(),
      ),
    ).prepare('live_visits_with_mean'),
  );
  const rows = await statement.execute({ departmentId, now: now.toISOString(), since: handlingSince(now) });
  return { live: rows.map(({ recent: _recent, ...row }) => printedOf(row)), recent: recentOf(rows) };
}

/**
 * What a live row carries (the visit and what is joined to it), as a digest: a read that only
 * confirms what is kept compares these and reads in full only the rows that differ (issue 14,
 * item 2: the full rows of a department were most of what a queue change allocated).
 *
 * Every column of the visit but `last_seen_at`: the heartbeat writes it for every watched citizen
 * every other beat (30 s), so with it each department's next change would find every fingerprint
 * changed and read all its rows again. Nothing the hub tells depends on it. A kept row carries it
 * as of the row's last full read, so older, never newer: a first watch then at worst writes a
 * sighting once more (live.hub.ts, `lastSighting`); the expiry and the citizen's own read take it
 * from the table.
 */
const PRINTED_VISIT_COLUMNS = Object.entries(getTableColumns(visits))
  .filter(([key]) => key !== ('lastSeenAt' satisfies keyof VisitRow))
  .map(([, column]) => column);

const fingerprint = sql<string>`md5(row(${sql.join(PRINTED_VISIT_COLUMNS, sql`, `)}, ${services.slug}, ${services.name}, ${services.documents}, ${admitter.name}, ${appointments.startsAt}, ${appointments.persons})::text)`;

/** A live row with its fingerprint. */
export interface PrintedVisit {
  row: VisitWithContext;
  fingerprint: string;
}

const printedOf = ({ fingerprint: print, ...row }: VisitWithContext & { fingerprint: string }): PrintedVisit => ({
  row,
  fingerprint: print,
});

/**
 * The department's recent handling sample as a column of its live rows, as text "visits seconds"
 * (a scalar subquery has one column); placeholders `departmentId`, `since`.
 */
const recentOfDepartment = sql<
  string | null
>`(select sample.visits || ' ' || sample.seconds from (${recentSamplesOf(sql`${sql.placeholder('departmentId')}::uuid`, sql`${sql.placeholder('since')}::timestamptz`)}) as sample)`;

function recentOf(rows: { recent: string | null }[]): RecentHandling | null | undefined {
  if (rows.length === 0) return undefined;
  const first = rows[0]!.recent;
  if (first === null) return null;
  const [visits, seconds] = first.split(' ');
  return sampleOf(visits!, seconds!);
}

/**
 * The handling times of a department's recent finished visits: how many count (`visits`, at most
 * 30) and their total in minutes, each counted between 1 and 120.
 */
export interface RecentHandling {
  visits: number;
  minutes: number;
}

function sampleOf(visits: string | number, seconds: string | number): RecentHandling {
  return { visits: Number(visits), minutes: Number(seconds) / 60 };
}

/** `query` narrowed to the department's live visits in queue order; placeholders `departmentId`, `now`. */
function liveOfDepartment<T extends PgSelect>(query: T) {
  return query
    .where(and(eq(visits.departmentId, sql`${sql.placeholder('departmentId')}::uuid`), stateIn(ACTIVE)))
    .orderBy(...queueOrder(sql`${sql.placeholder('now')}::timestamptz`));
}

/**
 * `listLiveVisitsWithMean` with only each row's id and fingerprint: what the hub reads after a
 * change when it keeps the department's rows from its read before.
 */
export async function listLivePrintsWithMean(
  db: Db,
  departmentId: string,
  now: Date,
): Promise<{ live: { id: string; fingerprint: string }[]; recent: RecentHandling | null | undefined }> {
  // The same joins and order as the full read: the fingerprint covers the joined columns.
  const statement = prepared(db, 'live_prints_with_mean', () =>
    liveOfDepartment(
      withContext(db.select({ id: visits.id, fingerprint, recent: recentOfDepartment }).from(visits).$dynamic()),
    ).prepare('live_prints_with_mean'),
  );
  const rows = await statement.execute({ departmentId, now: now.toISOString(), since: handlingSince(now) });
  return { live: rows.map(({ id, fingerprint: print }) => ({ id, fingerprint: print })), recent: recentOf(rows) };
}

/** Live visits by id, in full with their fingerprints (those no longer live are left out). */
export async function findLivePrinted(db: Db, visitIds: string[]): Promise<PrintedVisit[]> {
  if (visitIds.length === 0) return [];
  const statement = prepared(db, 'live_printed_by_id', () =>
    withContext(
      db
        .select({ ...visitColumns, fingerprint })
        .from(visits)
        .$dynamic(),
    )
      .where(and(sql`${visits.id} = any(${sql.placeholder('ids')}::uuid[])`, stateIn(ACTIVE)))
      .prepare('live_printed_by_id'),
  );
  // Uuids as an array literal: the same text on both drivers.
  const rows = await statement.execute({ ids: `{${visitIds.join(',')}}` });
  return rows.map(printedOf);
}

/** Live visits of several departments (each department's in queue order at `now`), for bursts of first watches. */
export async function listLiveVisitsOf(db: Db, departmentIds: string[], now: Date): Promise<PrintedVisit[]> {
  if (departmentIds.length === 0) return [];
  const rows = await withContext(
    db
      .select({ ...visitColumns, fingerprint })
      .from(visits)
      .$dynamic(),
  )
    .where(and(inArray(visits.departmentId, departmentIds), stateIn(ACTIVE)))
    .orderBy(visits.departmentId, ...queueOrder(now));
  return rows.map(printedOf);
}

/** `recentHandling` for several departments in one statement (null where none counts). */
export async function recentHandlingOf(
  db: Db,
  departmentIds: string[],
  now: Date,
): Promise<Map<string, RecentHandling | null>> {
  const samples = new Map<string, RecentHandling | null>(departmentIds.map((id) => [id, null]));
  if (departmentIds.length === 0) return samples;
  type Row = { department_id: string; visits: string | number; seconds: string | number };
  const rows = await db.execute<Row>(recentSamplesSql(departmentIds, now));
  const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: typeof rows }).rows;
  for (const row of list as Row[]) samples.set(row.department_id, sampleOf(row.visits, row.seconds));
  return samples;
}

export async function findVisitWithContext(db: Db, visitId: string): Promise<VisitWithContext | undefined> {
  // Built once per database: a citizen's leave answers with it.
  const statement = prepared(db, 'visit_with_context', () =>
    selectWithContext(db)
      .where(eq(visits.id, sql.placeholder('visitId')))
      .limit(1)
      .prepare('visit_with_context'),
  );
  const [row] = await statement.execute({ visitId });
  return row;
}

export async function findVisitsWithContext(db: Db, visitIds: string[]): Promise<VisitWithContext[]> {
  if (visitIds.length === 0) return [];
  return selectWithContext(db).where(inArray(visits.id, visitIds));
}

/** Minutes from admission to the end of the department's last 30 finished visits (30 days); null without any. */
export async function recentHandling(db: Db, departmentId: string, now: Date): Promise<RecentHandling | null> {
  return (await recentHandlingOf(db, [departmentId], now)).get(departmentId) ?? null;
}

/** Marks citizens' pages as present; a waiting visit unseen for the grace period expires. */
export async function touchVisits(db: Db, visitIds: string[], now: Date): Promise<void> {
  if (visitIds.length === 0) return;
  await db
    .update(visits)
    .set({ lastSeenAt: now })
    .where(and(inArray(visits.id, visitIds), stateIn(ACTIVE)));
}

/**
 * The waiting video visits of the departments with when each citizen's page was last seen: the
 * live hub's check of who is connected (live/citizen-presence.ts), every heartbeat, for the
 * departments whose console is open there. Not on a queue change's path.
 */
export async function waitingSightingsOf(
  db: Db,
  departmentIds: string[],
): Promise<{ id: string; departmentId: string; lastSeenAt: Date }[]> {
  if (departmentIds.length === 0) return [];
  return db
    .select({ id: visits.id, departmentId: visits.departmentId, lastSeenAt: visits.lastSeenAt })
    .from(visits)
    .where(and(inArray(visits.departmentId, departmentIds), eq(visits.state, 'waiting'), eq(visits.channel, 'video')));
}

/**
 * Sightings later than `after` (written before the clock jumped back) become `now`: otherwise a
 * citizen who has gone would keep their place for the size of the jump.
 */
export async function clampFutureSightings(db: Db, now: Date, after: Date): Promise<void> {
  await db
    .update(visits)
    .set({ lastSeenAt: now })
    .where(and(gt(visits.lastSeenAt, after), stateIn(ACTIVE)));
}

/** A visit of the department, whatever its state: the department is part of the lookup. */
export async function findVisitInDepartment(db: Db, departmentId: string, visitId: string) {
  const [row] = await db
    .select({ id: visits.id, tenantId: visits.tenantId, state: visits.state, appointmentId: visits.appointmentId })
    .from(visits)
    .where(and(eq(visits.id, visitId), eq(visits.departmentId, departmentId)))
    .limit(1);
  return row;
}

/** The clerk's permission for the citizen to share their screen; it holds for the rest of the visit. */
export async function setCitizenScreenShare(db: Db, visitId: string, allowed: boolean): Promise<void> {
  await db.update(visits).set({ citizenScreenShare: allowed }).where(eq(visits.id, visitId));
}

/**
 * The end-to-end encryption key of a visit's call while the visit is with a clerk: made by the
 * first grant that asks, the same for everyone after (one conditional update, so two processes
 * asking at once agree). Undefined once the visit has ended; the transitions drop the key then.
 */
export async function callKeyOf(db: Db, visitId: string): Promise<string | undefined> {
  const [row] = await db
    .update(visits)
    .set({ callKey: sql`coalesce(${visits.callKey}, ${randomBytes(32).toString('base64url')})` })
    .where(and(eq(visits.id, visitId), stateIn(WITH_CLERK)))
    .returning({ callKey: visits.callKey });
  return row?.callKey ?? undefined;
}

/**
 * What a call needs of a visit, if it is with a clerk (admitted or in the call), or in `group`
 * (a citizen's call is prepared while still waiting).
 */
export async function findVisitWithClerk(db: Db, visitId: string, group: readonly VisitState[] = WITH_CLERK) {
  // Built once per database and group: every join of a call reads it, the admitting clerk's too.
  const name = `visit_with_clerk_${group.join('_')}`;
  const statement = prepared(db, name, () =>
    db
      .select({
        id: visits.id,
        departmentId: visits.departmentId,
        admittedBy: visits.admittedBy,
        citizenName: visits.citizenName,
        citizenScreenShare: visits.citizenScreenShare,
        appointmentId: visits.appointmentId,
        interpreterLanguage: visits.interpreterLanguage,
        // The call's clocks (chat times) follow the municipality's, as the console's do.
        timeZone: tenants.timeZone,
        // The call page's footer links to the municipality's legal notice and privacy statement.
        tenantSlug: tenants.slug,
      })
      .from(visits)
      .innerJoin(departments, eq(departments.id, visits.departmentId))
      .innerJoin(tenants, eq(tenants.id, departments.tenantId))
      .where(and(eq(visits.id, sql.placeholder('visitId')), stateIn(group)))
      .limit(1)
      .prepare(name),
  );
  const [row] = await statement.execute({ visitId });
  return row;
}

/** Ids of every visit in a call right now, across the installation (for reconciling with the media server). */
export async function visitIdsInCall(db: Db): Promise<string[]> {
  const rows = await db.select({ id: visits.id }).from(visits).where(eq(visits.state, 'in_call'));
  return rows.map((row) => row.id);
}

/** The latest visit of an appointment (its arrival), in `group` when given; on site with its ticket. */
export async function findArrival(db: Db, appointmentId: string, group?: readonly VisitState[]) {
  const [row] = await db
    .select({
      id: visits.id,
      departmentId: visits.departmentId,
      state: visits.state,
      ticketNumber: visits.ticketNumber,
      createdAt: visits.createdAt,
    })
    .from(visits)
    .where(and(eq(visits.appointmentId, appointmentId), group ? stateIn(group) : undefined))
    .orderBy(desc(visits.createdAt))
    .limit(1);
  return row;
}

/** A visit's state, or undefined when there is no such visit. */
export async function findVisitState(db: Db, visitId: string) {
  const [row] = await db.select({ state: visits.state }).from(visits).where(eq(visits.id, visitId)).limit(1);
  return row?.state;
}

/**
 * Names and concerns (and the clerk's note) are kept only for the retention period after a visit
 * ended; the rows stay, anonymous, for statistics and the audit trail. Returns how many were purged.
 */
export async function purgeVisitPersonalData(db: Db, cutoff: Date): Promise<number> {
  const purged = await db
    .update(visits)
    .set({ citizenName: '', concern: null, declineNote: null })
    .where(and(lt(visits.endedAt, cutoff), sql`${visits.citizenName} <> ''`))
    .returning({ id: visits.id });
  return purged.length;
}
