import type { AdmitResponse, BusyWith, ConsoleSnapshot, DoorSetting } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { departments, visits } from '../../db/schema.js';
import type { Ctx } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import type { DepartmentEvent } from '../../lib/event-bus.js';
import { insertAudit } from '../audit/audit.repo.js';
import { joinCall } from '../calls/call-access.js';
import type { Clerk } from '../staff/require-staff.js';
import { findMembership } from '../staff/staff.repo.js';
import { loadDepartmentState, toConsoleSnapshot } from '../visits/queue.service.js';
import {
  admit as admitVisit,
  decline as declineVisit,
  finish as finishVisit,
  noShowCalled,
  recall as recallVisit,
  stateIn,
  WITH_CLERK,
} from '../visits/visit-states.js';
import { findVisitInDepartment } from '../visits/visits.repo.js';

/**
 * The clerk's side of the door. Every action is in the clerk's department, whose membership the
 * staff department router has checked; the department is part of every query as well.
 */

type ConsoleCtx = Pick<Ctx, 'db' | 'events' | 'media' | 'logger' | 'now'>;

/**
 * Every clerk action ends the same way: a live event and an audit entry (who, what, when). The
 * event goes first: the people waiting see the change without waiting for its record.
 */
async function recordStaffAction(
  ctx: ConsoleCtx,
  clerk: Clerk,
  entry: { tenantId: string; visitId?: string; action: string; data?: Record<string, string | boolean> },
  /** What else the event says (see DepartmentEventSchema): `context` for a setting, `moved` for a visit. */
  event: Pick<DepartmentEvent, 'context' | 'moved'> = {},
): Promise<void> {
  await ctx.events.publish({ departmentId: clerk.departmentId, visitId: entry.visitId, ...event });
  await insertAudit(ctx.db, {
    ...entry,
    departmentId: clerk.departmentId,
    actorKind: 'staff',
    actorStaffId: clerk.staff.id,
    data: entry.data ?? {},
    createdAt: ctx.now,
  });
}

export async function getConsole(ctx: Pick<Ctx, 'db' | 'now'>, clerk: Clerk): Promise<ConsoleSnapshot> {
  const state = await loadDepartmentState(ctx.db, clerk.departmentId, ctx.now);
  if (!state) throw new AppError('department_not_found');
  return toConsoleSnapshot(state);
}

export async function setDoor(ctx: ConsoleCtx, clerk: Clerk, setting: DoorSetting): Promise<void> {
  const [row] = await ctx.db
    .update(departments)
    .set(
      setting.state === 'auto'
        ? { doorOverride: null, doorOverrideAt: null }
        : { doorOverride: setting.state, doorOverrideAt: ctx.now },
    )
    .where(eq(departments.id, clerk.departmentId))
    .returning({ tenantId: departments.tenantId });
  if (!row) throw new AppError('department_not_found');
  await recordStaffAction(
    ctx,
    clerk,
    {
      tenantId: row.tenantId,
      action: 'door.changed',
      data: { state: setting.state },
    },
    { context: true },
  );
}

/**
 * Admits one waiting visit (or the next). Of two clerks admitting the same person at once, exactly
 * one wins. An on-site visit is called to the clerk's counter instead (issue 16): no call opens.
 */
export async function admit(
  ctx: ConsoleCtx,
  clerk: Clerk,
  visitId: string | 'next',
  options: { lost?: readonly string[]; seenSince?: Date } = {},
): Promise<AdmitResponse> {
  // One statement: the busy check, the clerk's counter and the candidate are in it (visit-states.ts).
  // "Next" passes over the people whose connection is lost: it started a call with nobody in it.
  const admitted = await admitVisit(ctx.db, {
    departmentId: clerk.departmentId,
    visitId,
    staffId: clerk.staff.id,
    now: ctx.now,
    ...(options.lost ? { passOver: options.lost } : {}),
    ...(options.seenSince ? { seenSince: options.seenSince } : {}),
  }).catch(async (error: unknown) => {
    if (!(error instanceof AppError) || error.code !== 'clerk_busy') throw error;
    const busyWith = await findBusyWith(ctx, clerk.staff.id);
    throw busyWith ? new AppError('clerk_busy', { extra: { busyWith } }) : error;
  });
  if (!admitted) throw await missingVisit(ctx, clerk, visitId);
  const counter = admitted.channel === 'onsite' ? admitted.calledCounter : null;
  // The clerk's join starts with the commit, beside the audit entry and the event (for LiveKit it
  // opens the room on the media server, which the citizen's join then finds open or opening).
  const call = admitted.channel === 'video' ? clerksJoin(ctx, clerk, admitted.id) : null;
  await recordStaffAction(
    ctx,
    clerk,
    {
      tenantId: admitted.tenantId,
      visitId: admitted.id,
      action: 'visit.admitted',
      // The counter is the clerk's, not the citizen's: fine in the audit trail.
      ...(counter !== null ? { data: { channel: 'onsite', counter } } : {}),
    },
    {
      moved: {
        to: 'admitted',
        at: ctx.now.toISOString(),
        by: { id: clerk.staff.id, name: clerk.staff.name },
        ...(counter !== null ? { counter } : {}),
      },
    },
  );
  if (!call) return { visitId: admitted.id, channel: admitted.channel };
  return { visitId: admitted.id, channel: admitted.channel, ...(await call) };
}

/**
 * The conversation that keeps the clerk from letting someone in, and where: the console named the
 * office only if it could open that office's console itself, and a clerk whose role there was
 * taken away, or whose office list was older than the role, got no name and no way on. Undefined
 * when it ended meanwhile.
 */
async function findBusyWith(ctx: Pick<Ctx, 'db'>, staffId: string): Promise<BusyWith | undefined> {
  const [row] = await ctx.db
    .select({
      departmentId: visits.departmentId,
      departmentName: departments.name,
      visitId: visits.id,
      name: visits.citizenName,
      ticketNumber: visits.ticketNumber,
    })
    .from(visits)
    .innerJoin(departments, eq(departments.id, visits.departmentId))
    .where(and(eq(visits.admittedBy, staffId), stateIn(WITH_CLERK)))
    .limit(1);
  if (!row) return undefined;
  return { ...row, member: Boolean(await findMembership(ctx.db, staffId, row.departmentId)) };
}

/**
 * How long the admit's answer waits for the clerk's join at most. Over LiveKit the join opens the
 * room, a request to the media server (its own timeout is 5 s): a LiveKit that is slow or down
 * must not hold up the admit; the clerk's page then asks for its join itself.
 */
const ADMIT_JOIN_WAIT_MS = 1_000;

/**
 * The admitting clerk's join answer, given with the admit (issue 14: the clerk's side is what the
 * citizen's first frame waits for): the same `joinCall` the call page would ask for next, with
 * the same checks. A media server that cannot answer now costs the admit nothing: the page asks.
 * Never throws.
 */
async function clerksJoin(ctx: ConsoleCtx, clerk: Clerk, visitId: string): Promise<Pick<AdmitResponse, 'call'>> {
  // Peer-to-peer: a name and ICE servers. LiveKit: the room opened and a token for it, valid two
  // minutes (the admit is the decision: decision 012); a clerk who goes to the call later asks
  // anew, and the room waits for them (empty_timeout, infra/livekit.yaml).
  const join = joinCall(ctx, { staff: clerk.staff, visitId: null, inviteGuestId: null }, visitId).then(
    (call) => ({ call }),
    (error: unknown) => {
      ctx.logger.warn({ err: error, visitId }, 'no call grant with the admit');
      return {};
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Pick<AdmitResponse, 'call'>>((resolve) => {
    timer = setTimeout(() => {
      ctx.logger.warn({ visitId }, 'the call grant was not ready in time for the admit');
      resolve({});
    }, ADMIT_JOIN_WAIT_MS);
  });
  try {
    return await Promise.race([join, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls the clerk's on-site visit to their counter once more (the display repeats it). */
export async function recall(ctx: ConsoleCtx, clerk: Clerk, visitId: string): Promise<void> {
  const row = await recallVisit(ctx.db, {
    departmentId: clerk.departmentId,
    visitId,
    staffId: clerk.staff.id,
    now: ctx.now,
  });
  if (!row) throw await missingVisit(ctx, clerk, visitId);
  // Called again to the counter it was called to, even if the clerk has renamed theirs since.
  const counter = row.calledCounter ?? undefined;
  await recordStaffAction(
    ctx,
    clerk,
    { tenantId: row.tenantId, visitId, action: 'visit.recalled' },
    {
      moved: {
        to: 'admitted',
        at: ctx.now.toISOString(),
        by: { id: clerk.staff.id, name: clerk.staff.name },
        ...(counter ? { counter } : {}),
      },
    },
  );
}

/**
 * The person called to the clerk's counter, or let in by video, did not come: the visit ends as
 * `no_show`, and a video call the clerk waited in ends as a finished one does.
 */
export async function noShow(ctx: ConsoleCtx, clerk: Clerk, visitId: string): Promise<void> {
  const row = await noShowCalled(ctx.db, {
    departmentId: clerk.departmentId,
    visitId,
    staffId: clerk.staff.id,
    now: ctx.now,
  });
  if (!row) throw await missingVisit(ctx, clerk, visitId);
  await recordStaffAction(
    ctx,
    clerk,
    { tenantId: row.tenantId, visitId, action: 'visit.no_show' },
    { moved: { to: 'no_show', at: ctx.now.toISOString() } },
  );
  await endMediaCall(ctx, visitId);
}

/** The visit is over whatever the media server says: its answer only decides how fast the browsers learn it. */
async function endMediaCall(ctx: ConsoleCtx, visitId: string): Promise<void> {
  await ctx.media
    .endCall(visitId)
    .catch((error: unknown) => ctx.logger.warn({ err: error, visitId }, 'could not end the call on the media server'));
}

/** Why a visit could not be acted on: gone from this department (404) or taken meanwhile (409). */
async function missingVisit(ctx: ConsoleCtx, clerk: Clerk, visitId: string): Promise<AppError> {
  return (await findVisitInDepartment(ctx.db, clerk.departmentId, visitId))
    ? new AppError('visit_taken')
    : new AppError('visit_not_found');
}

export async function decline(ctx: ConsoleCtx, clerk: Clerk, visitId: string, note: string | undefined) {
  const row = await declineVisit(ctx.db, {
    departmentId: clerk.departmentId,
    visitId,
    note: note || null,
    now: ctx.now,
  });
  if (!row) throw await missingVisit(ctx, clerk, visitId);
  await recordStaffAction(
    ctx,
    clerk,
    { tenantId: row.tenantId, visitId, action: 'visit.declined', data: { withNote: Boolean(note) } },
    { moved: { to: 'declined', at: ctx.now.toISOString() } },
  );
}

/** The clerk finishes the visit they are in; its call ends for everyone. */
export async function finish(ctx: ConsoleCtx, clerk: Clerk, visitId: string): Promise<void> {
  if (!(await finishOwnVisit(ctx, clerk, visitId))) throw await missingVisit(ctx, clerk, visitId);
}

/**
 * Finishes the visit if this clerk let it in and it is still with them; false otherwise (the
 * query is the check, so it also serves a clerk no longer in the department: console.router.ts).
 */
export async function finishOwnVisit(ctx: ConsoleCtx, clerk: Clerk, visitId: string): Promise<boolean> {
  const row = await finishVisit(ctx.db, {
    departmentId: clerk.departmentId,
    visitId,
    staffId: clerk.staff.id,
    now: ctx.now,
  });
  if (!row) return false;
  await recordStaffAction(
    ctx,
    clerk,
    { tenantId: row.tenantId, visitId, action: 'visit.finished' },
    { moved: { to: 'done', at: ctx.now.toISOString() } },
  );
  // The browsers also learn it from the event just published.
  await endMediaCall(ctx, visitId);
  return true;
}
