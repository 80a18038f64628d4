import type { CitizenVisit, ConsoleSnapshot, DoorLive, QueueEntry } from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import { activeDoorOverride, doorStatus, isUnattended, todayIn } from '../directory/directory.service.js';
import {
  closuresFor,
  type ClosureRow,
  findDepartmentBySlugs,
  findDepartmentWithTenant,
  listClosures,
} from '../directory/directory.repo.js';
import { clerksAtConsole } from '../staff/presence.repo.js';
import { placeHeldUntil } from './attendance.js';
import { isWaiting } from './visit-states.js';
import {
  findVisitWithContext,
  listLiveVisits,
  recentHandling,
  type RecentHandling,
  type VisitWithContext,
} from './visits.repo.js';

/**
 * Everything live about one department, derived from the database alone: the door, the queue,
 * who is being served, and the wait estimate. Processes hold no queue state of their own, so a
 * restart or a second process changes nothing.
 */
export interface DepartmentState {
  tenant: NonNullable<Awaited<ReturnType<typeof findDepartmentWithTenant>>>['tenant'];
  department: NonNullable<Awaited<ReturnType<typeof findDepartmentWithTenant>>>['department'];
  door: DoorLive;
  waiting: VisitWithContext[];
  active: VisitWithContext[];
  /** The instant this state was read at. */
  now: Date;
  /** Estimated minutes for the person at 1-based `position`. */
  estimateFor(position: number): number;
  /** 1-based queue position by visit id. */
  positions: Map<string, number>;
  /** The live visits in queue order (waiting and with a clerk, as read), and what else it was made of. */
  live: VisitWithContext[];
  setting: DepartmentSetting;
}

/**
 * How many visits of the configured average the handling mean counts beside the recent ones: a few
 * short (or long) calls move the estimate a little, a day's worth of them moves it most of the way
 * (docs/decisions/017-a-door-nobody-attends.md, addendum).
 */
export const CONFIGURED_VISITS = 10;

/**
 * The handling minutes an estimate uses: the recent visits' mean shrunk towards the department's
 * configured average by `CONFIGURED_VISITS` visits of that average, (total + k × configured) /
 * (visits + k). Without a recent visit, the configured average itself.
 */
export function handlingMeanMinutes(recent: RecentHandling | null, configuredMinutes: number): number {
  const visits = recent?.visits ?? 0;
  const minutes = recent?.minutes ?? 0;
  return (minutes + CONFIGURED_VISITS * configuredMinutes) / (visits + CONFIGURED_VISITS);
}

/**
 * The wait estimate: the handling mean (`handlingMeanMinutes`) spread over the clerks on duty; a
 * free clerk takes the first in line at once.
 */
export function estimateMinutes(options: {
  position: number;
  meanMinutes: number;
  clerksOnDuty: number;
  busyClerks: number;
}) {
  const clerks = Math.max(1, options.clerksOnDuty);
  const free = Math.max(0, options.clerksOnDuty - options.busyClerks);
  if (options.position <= free) return 0;
  return Math.max(1, Math.round(options.meanMinutes * Math.ceil((options.position - free) / clerks)));
}

type FoundDepartment = NonNullable<Awaited<ReturnType<typeof findDepartmentWithTenant>>>;

/**
 * What a department's state is made of beside its live visits: settings, closures, clerks at a
 * console and the recent handling time. These change rarely; the live hub keeps them between
 * queue changes (live/department-context.ts) and reads only the visits per change.
 */
export interface DepartmentSetting {
  found: FoundDepartment;
  /** Closures of the tenant ending today or later (today in the tenant's time zone). */
  closures: ClosureRow[];
  /** Clerks with the department's console open. */
  atConsole: string[];
  /** The handling times of recent finished visits; null without any. */
  recent: RecentHandling | null;
  /**
   * `DepartmentResponse.revision` of the same rows, when the reader also read the services (the
   * live hub does, for its door messages).
   */
  detailsRevision?: string;
}

async function buildState(db: Db, found: FoundDepartment, now: Date) {
  const { department, tenant } = found;
  const [closureRows, live, recent, atConsole] = await Promise.all([
    listClosures(db, tenant.id, todayIn(tenant.timeZone, now)),
    listLiveVisits(db, department.id, now),
    recentHandling(db, department.id, now),
    clerksAtConsole(db, department.id, now),
  ]);
  return stateFrom({ found, closures: closureRows, atConsole, recent }, live, now);
}

/** The department's state from its setting and its live visits (in queue order), read at `now`. */
export function stateFrom(setting: DepartmentSetting, live: VisitWithContext[], now: Date): DepartmentState {
  const { department, tenant } = setting.found;
  const waiting = live.filter((row) => isWaiting(row.visit.state));
  const active = live.filter((row) => !isWaiting(row.visit.state));
  // On duty: at the console, or with a citizen (a clerk in a call has no console open).
  const clerksOnDuty = new Set([
    ...setting.atConsole,
    ...active.flatMap((row) => (row.visit.admittedBy ? [row.visit.admittedBy] : [])),
  ]).size;
  const meanMinutes = handlingMeanMinutes(setting.recent, department.avgHandlingMinutes);
  const estimateFor = (position: number) =>
    estimateMinutes({ position, meanMinutes, clerksOnDuty, busyClerks: active.length });
  const base = doorStatus(department, closuresFor(setting.closures, department.id), tenant.timeZone, now, clerksOnDuty);
  const queueFull = waiting.length >= department.queueCap;
  const open = base.state === 'open' && !base.unattended;
  const door: DoorLive = {
    ...base,
    busy: open && (waiting.length > 0 || clerksOnDuty <= active.length),
    waiting: waiting.length,
    clerksOnDuty,
    estimatedWaitMinutes: estimateFor(waiting.length + 1),
    canKnock: open && !queueFull,
    queueFull,
  };
  const positions = new Map(waiting.map((row, index) => [row.visit.id, index + 1]));
  return {
    tenant,
    department,
    door,
    waiting,
    active,
    now,
    estimateFor,
    positions,
    live,
    setting,
  } satisfies DepartmentState;
}

export async function loadDepartmentState(db: Db, departmentId: string, now: Date): Promise<DepartmentState | null> {
  const found = await findDepartmentWithTenant(db, departmentId);
  return found ? buildState(db, found, now) : null;
}

export async function loadDepartmentStateBySlugs(db: Db, tenantSlug: string, departmentSlug: string, now: Date) {
  const found = await findDepartmentBySlugs(db, tenantSlug, departmentSlug);
  return found ? buildState(db, found, now) : null;
}

export function toQueueEntry(row: VisitWithContext): QueueEntry {
  const { visit } = row;
  return {
    id: visit.id,
    state: visit.state,
    name: visit.citizenName,
    concern: visit.concern,
    service: row.serviceSlug && row.serviceName ? { slug: row.serviceSlug, name: row.serviceName } : null,
    language: visit.language,
    interpreterLanguage: visit.interpreterLanguage,
    createdAt: visit.createdAt.toISOString(),
    admittedAt: visit.admittedAt?.toISOString() ?? null,
    admittedBy: visit.admittedBy && row.admitterName ? { id: visit.admittedBy, name: row.admitterName } : null,
    kind: visit.kind,
    appointment:
      visit.appointmentId && row.appointmentStartsAt
        ? {
            id: visit.appointmentId,
            startsAt: row.appointmentStartsAt.toISOString(),
            persons: row.appointmentPersons ?? 1,
          }
        : null,
    channel: visit.channel,
    ticketNumber: visit.ticketNumber,
    calledAt: visit.calledAt?.toISOString() ?? null,
    calledCounter: visit.calledCounter,
  };
}

export function toConsoleSnapshot(state: DepartmentState): ConsoleSnapshot {
  return {
    department: {
      id: state.department.id,
      slug: state.department.slug,
      name: state.department.name,
      tenantSlug: state.tenant.slug,
      timeZone: state.tenant.timeZone,
    },
    door: state.door,
    doorSetting: activeDoorOverride(state.department, state.tenant.timeZone, state.now) ?? 'auto',
    queue: state.waiting.map(toQueueEntry),
    active: state.active.map(toQueueEntry),
  };
}

/**
 * The citizen's view of their visit; position, estimate and door only while waiting. Derived from
 * `state` alone: the live hub builds one per waiting citizen on every change (issue 14).
 */
export function toCitizenVisit(row: VisitWithContext, state: DepartmentState): CitizenVisit {
  const position = isWaiting(row.visit.state) ? (state.positions.get(row.visit.id) ?? null) : null;
  if (position === null) return citizenVisit(row, state, null);
  // Nobody on duty as the door page says it: once nobody has attended for the grace minute after
  // the attendance job's stamp, so a clerk who reloads the console (or steps from one citizen to
  // the next) does not show the people waiting "nobody on duty" for a moment; a clerk back ends it
  // at once. Whatever the door says: a closed door nobody attends is said the same way.
  const onDuty = !isUnattended(state.department, state.now, state.door.clerksOnDuty);
  const since = state.department.unattendedSince;
  // The same walk-ins `dropUnattended` ends, whatever the door says, so they are told the time
  // (from the stamp, which nobody on duty implies).
  const held = row.visit.kind === 'walk_in' && row.visit.channel === 'video' && !onDuty && since !== null;
  return citizenVisit(row, state, {
    position,
    estimatedWaitMinutes: state.estimateFor(position),
    placeHeldUntil: held ? placeHeldUntil(since, row.visit.createdAt).toISOString() : null,
    door: { state: state.door.state, onDuty },
  });
}

type Place = Pick<CitizenVisit, 'position' | 'estimatedWaitMinutes' | 'placeHeldUntil' | 'door'>;

function citizenVisit(
  row: VisitWithContext,
  office: Pick<DepartmentState, 'tenant' | 'department'>,
  place: Place | null,
): CitizenVisit {
  return {
    id: row.visit.id,
    state: row.visit.state,
    tenantSlug: office.tenant.slug,
    departmentSlug: office.department.slug,
    departmentName: office.department.name,
    departmentNameForms: office.department.nameForms,
    name: row.visit.citizenName,
    language: row.visit.language,
    position: place?.position ?? null,
    estimatedWaitMinutes: place?.estimatedWaitMinutes ?? null,
    admittedBy: row.admitterName,
    declineNote: row.visit.declineNote,
    documents: row.serviceDocuments ?? [],
    createdAt: row.visit.createdAt.toISOString(),
    kind: row.visit.kind,
    appointmentStartsAt: row.appointmentStartsAt?.toISOString() ?? null,
    placeHeldUntil: place?.placeHeldUntil ?? null,
    door: place?.door ?? null,
  };
}

/** One visit as its citizen sees it, read fresh. */
export async function loadCitizenVisit(db: Db, visitId: string, now: Date): Promise<CitizenVisit | null> {
  return (await loadCitizenVisitSeen(db, visitId, now))?.visit ?? null;
}

/** As `loadCitizenVisit`, with when the visit was last marked present (`GET /api/visit`). */
export async function loadCitizenVisitSeen(
  db: Db,
  visitId: string,
  now: Date,
): Promise<{ visit: CitizenVisit; lastSeenAt: Date } | null> {
  const row = await findVisitWithContext(db, visitId);
  if (!row) return null;
  const seen = (visit: CitizenVisit | null) => (visit ? { visit, lastSeenAt: row.visit.lastSeenAt } : null);
  if (!isWaiting(row.visit.state)) {
    // No place in the queue to tell: the department's name is all it needs (one read, not the
    // queue's five; a change's answer then leaves the database to the live update).
    const found = await findDepartmentWithTenant(db, row.visit.departmentId);
    return seen(found ? citizenVisit(row, found, null) : null);
  }
  const state = await loadDepartmentState(db, row.visit.departmentId, now);
  return seen(state ? toCitizenVisit(row, state) : null);
}
