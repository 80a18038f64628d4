import { ctxOf, type AppDeps } from '../deps.js';
import { announceDueArrivals } from '../features/appointments/due-arrivals.js';
import { announceDoorTurns } from '../features/directory/door-turns.js';
import { sendDueReminders } from '../features/appointments/reminders.js';
import { reconcileCalls } from '../features/calls/media-events.js';
import { followAttendance } from '../features/visits/attendance.js';
import { expireAbsentVisits } from '../features/visits/visits.service.js';
import { ElapsedClock } from '../lib/elapsed-clock.js';
import type { LiveHub } from '../live/live.hub.js';
import type { MailWorker } from '../mail/mail.worker.js';
import { purgePersonalData } from './retention.js';
import type { Job } from './scheduler.js';

/** How often the jobs run; tests shorten them. */
export interface JobIntervals {
  /** WebSocket pings and console presence. Default 15 s. */
  heartbeatMs?: number;
  /** Retention purge and the expiry of citizens gone past the grace period. Default 15 s. */
  sweepMs?: number;
  /** Arrivals whose start has come, and reminder e-mails. Default one minute. */
  appointmentsMs?: number;
  /** A look at the mail outbox besides the wake-ups on every queued message. Default 5 s. */
  mailPollMs?: number;
  /** Calls on the media server compared with the visits (lost webhooks); also at start. Default 30 s. */
  reconcileMs?: number;
  /**
   * Whether anybody attends each department's door (issue 13). Default 15 s; null: not run (test
   * servers, whose clocks jump: they run `followAttendance` themselves when they test it).
   */
  attendanceMs?: number | null;
  /**
   * Doors that open or close by the clock (opening hours, closures, a clerk's setting lapsing at
   * midnight). Default 15 s; null: not run (test servers, whose clocks jump by hours: they call
   * `announceDoorTurns` themselves when they test it).
   */
  doorTurnsMs?: number | null;
}

/**
 * Every timer of a server process. Each job is safe in several processes at once: updates are
 * conditional (an expired visit, a reminder, an outbox row goes to exactly one process) and live
 * events only say "look again".
 */
export function serverJobs(
  deps: AppDeps,
  parts: { hub: LiveHub; mailWorker: MailWorker | null },
  intervals: JobIntervals = {},
): Job[] {
  const heartbeatMs = intervals.heartbeatMs ?? 15_000;
  const sweepMs = intervals.sweepMs ?? 15_000;
  const appointmentsMs = intervals.appointmentsMs ?? 60_000;
  const { config } = deps;
  // Real time, not the wall clock: a clock that jumps must neither drop nor keep anyone (issue 11).
  const elapsed = new ElapsedClock(deps.now);
  elapsed.sample();
  const jobs: Job[] = [
    // Its pings spread over half the beat: a burst of them held up the queue changes meanwhile.
    { name: 'live.heartbeat', everyMs: heartbeatMs, run: () => parts.hub.heartbeat(heartbeatMs / 2) },
    // Its sightings spread the same way (and less when the grace period is short: live.hub.ts).
    { name: 'live.presence', everyMs: heartbeatMs, run: () => parts.hub.refreshPresence(heartbeatMs / 2) },
    // Places in peer-to-peer calls: kept while their connection lives, given up a minute after
    // their process stopped (safe in every process: each stale place goes to one of them).
    { name: 'calls.p2p-members', everyMs: heartbeatMs, run: () => parts.hub.calls.refresh() },
    {
      name: 'visits.purge',
      everyMs: sweepMs,
      run: () => purgePersonalData(deps.database.db, config.retentionDays, deps.now()),
    },
    {
      name: 'visits.expire',
      everyMs: sweepMs,
      run: async () => {
        elapsed.sample();
        const graceMs = config.visitGraceSeconds * 1000;
        // Right after a restart, citizens have not had the chance to reconnect: do not drop them yet.
        if (elapsed.runningMs() < graceMs) return;
        await expireAbsentVisits(ctxOf(deps), config.visitGraceSeconds, elapsed.wallAgo(graceMs));
      },
    },
    {
      name: 'calls.reconcile',
      everyMs: intervals.reconcileMs ?? 30_000,
      atStart: true,
      run: () => reconcileCalls(ctxOf(deps)),
    },
    dueArrivalsJob(deps, appointmentsMs),
    ...(intervals.attendanceMs === null ? [] : [attendanceJob(deps, intervals.attendanceMs ?? sweepMs)]),
    ...(intervals.doorTurnsMs === null ? [] : [doorTurnsJob(deps, intervals.doorTurnsMs ?? sweepMs)]),
    {
      name: 'appointments.reminders',
      everyMs: appointmentsMs,
      run: () => sendDueReminders({ db: deps.database.db, config, now: deps.now(), logger: deps.logger }),
    },
  ];
  const { mailWorker } = parts;
  if (mailWorker)
    jobs.push({ name: 'mail.outbox', everyMs: intervals.mailPollMs ?? 5_000, run: () => mailWorker.wake() });
  return jobs;
}

/**
 * Follows who attends each department's door: stamps and clears `unattended_since`, tells the
 * pages when a door turns unattended, and ends the places held long enough.
 */
export function attendanceJob(deps: Pick<AppDeps, 'database' | 'events' | 'now'>, everyMs: number): Job {
  let previousRound = deps.now();
  return {
    name: 'visits.attendance',
    everyMs,
    async run() {
      const now = deps.now();
      await followAttendance({ db: deps.database.db, events: deps.events, now }, previousRound);
      previousRound = now;
    },
  };
}

/** Tells the live hub about departments where an arrival's booked start has passed since the last round. */
export function dueArrivalsJob(deps: Pick<AppDeps, 'database' | 'events' | 'now'>, everyMs: number): Job {
  let since = deps.now();
  return {
    name: 'appointments.arrivals',
    everyMs,
    async run() {
      const now = deps.now();
      await announceDueArrivals({ db: deps.database.db, events: deps.events, now }, since);
      since = now;
    },
  };
}

/** Tells the live hub about departments whose door turned by the clock since the last round. */
export function doorTurnsJob(deps: Pick<AppDeps, 'database' | 'events' | 'now'>, everyMs: number): Job {
  let since = deps.now();
  return {
    name: 'doors.turns',
    everyMs,
    async run() {
      const now = deps.now();
      await announceDoorTurns({ db: deps.database.db, events: deps.events, now }, since);
      since = now;
    },
  };
}
