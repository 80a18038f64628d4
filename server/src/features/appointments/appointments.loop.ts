import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../lib/logger.js';
import type { EventBus } from '../../live/event-bus.js';
import { departmentsWithArrivalsDue } from './appointments.repo.js';
import { sendDueReminders } from './reminders.service.js';

export interface AppointmentLoopOptions {
  db: Db;
  events: EventBus;
  config: Pick<Config, 'publicBaseUrl' | 'sessionSecret' | 'reminderHours'>;
  logger: Logger;
  now: () => Date;
  /** Default one minute; tests shorten it. */
  intervalMs?: number;
}

/**
 * The appointment day's clock, once a minute in every server process:
 * - queues reminder e-mails that have come due (safe in several processes, see reminders.service);
 * - tells the live hub about departments where an arrival's booked start has just passed, since
 *   that moves the arrival to the front of the queue without any other change happening (the
 *   hub re-reads positions on events only). Up to a minute late; an event too many costs a re-read.
 */
export function startAppointmentLoop(options: AppointmentLoopOptions): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 60_000;
  let last = options.now();
  let running: Promise<void> | null = null;

  const tick = async () => {
    const now = options.now();
    try {
      for (const departmentId of await departmentsWithArrivalsDue(options.db, last, now)) {
        await options.events.publish({ departmentId });
      }
      last = now;
    } catch (error) {
      options.logger.warn({ err: error }, 'appointment queue refresh failed');
    }
    try {
      await sendDueReminders({ db: options.db, config: options.config, now, logger: options.logger });
    } catch (error) {
      options.logger.warn({ err: error }, 'reminder round failed');
    }
  };

  const timer = setInterval(() => {
    if (running) return; // a slow round is not overtaken by the next
    running = tick().finally(() => {
      running = null;
    });
  }, intervalMs);
  timer.unref();

  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
