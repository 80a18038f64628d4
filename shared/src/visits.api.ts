import { z } from 'zod/mini';
import { DepartmentNameFormsSchema } from './department-names.js';
import { DoorStateSchema, DoorStatusSchema } from './directory.api.js';
import { ChannelSchema } from './channels.js';
import { LocalizedTextSchema } from './locales.js';
import { hasHiddenCharacters, hasVisibleCharacters, INVISIBLE_TEXT_MESSAGE } from './person-name.js';

/** The schemas' message for a consent not given (knock, booking), translated by the server's FIELD_MESSAGES. */
export const CONSENT_MESSAGE = 'please agree to the privacy notice';

/** Knocking, waiting and the clerk console: HTTP bodies and views shared by client and server. */

export const IsoInstantSchema = z.iso.datetime({ offset: true });

/** Languages a citizen can ask for (interface language or interpreter), as BCP 47 base tags. */
export const LanguageTagSchema = z
  .string()
  .check(z.trim(), z.toLowerCase(), z.regex(/^[a-z]{2,3}$/, 'a language code like de, en, tr, ar, uk'));

/**
 * Free text from citizens: trimmed, without control characters, and without characters that hide
 * text or show nothing (person-name.ts); shown as plain text, never as HTML. Soft hyphens and
 * zero-width spaces, which pasted text carries, stay allowed, as long as something is visible.
 * C1 controls and characters that reorder text (bidi overrides, embeddings, isolates) are refused
 * by the server where it parses a request with such text (server/src/lib/validate.ts,
 * parseTextInput), not here: this module is in the door page's first download, which has no room
 * (issue 14). A new route taking `plainText` parses with parseTextInput.
 */
export const plainText = (max: number) =>
  z.string().check(
    z.trim(),
    z.maxLength(max, `at most ${max} characters`),
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    z.refine((text) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text), 'contains control characters'),
    z.refine(
      (text) => text === '' || (!hasHiddenCharacters(text) && hasVisibleCharacters(text)),
      INVISIBLE_TEXT_MESSAGE,
    ),
  );

export const VISIT_STATES = [
  'waiting',
  'admitted',
  'in_call',
  'done',
  'declined',
  'left',
  'expired',
  'no_show',
  /** Nobody was on duty any more and the place was held long enough (issue 13). */
  'unattended',
] as const;
export const VisitStateSchema = z.enum(VISIT_STATES);
export type VisitState = z.infer<typeof VisitStateSchema>;

/**
 * How long walk-ins waiting keep their place once nobody is on duty (issue 13; decision 017):
 * the attendance job ends their visit after it, and the waiting room says so beforehand.
 */
export const PLACE_HOLD_MINUTES = 15;

/** The live door of a department, as the public sees it. */
export const DoorLiveSchema = z.extend(DoorStatusSchema, {
  /** Open and nobody waiting with a clerk available: "free"; otherwise "busy". */
  busy: z.boolean(),
  waiting: z.int().check(z.nonnegative()),
  clerksOnDuty: z.int().check(z.nonnegative()),
  /** Estimated minutes for someone knocking now; an estimate, not a promise. */
  estimatedWaitMinutes: z.int().check(z.nonnegative()),
  /** Whether a knock would be accepted now (open, somebody on duty, and under the cap). */
  canKnock: z.boolean(),
  queueFull: z.boolean(),
});
export type DoorLive = z.infer<typeof DoorLiveSchema>;

/** What a citizen sees of their own visit. */
export const CitizenVisitSchema = z.object({
  id: z.uuid(),
  state: VisitStateSchema,
  tenantSlug: z.string(),
  departmentSlug: z.string(),
  departmentName: LocalizedTextSchema,
  departmentNameForms: DepartmentNameFormsSchema,
  name: z.string(),
  language: z.string(),
  /** 1-based, while waiting. */
  position: z.nullable(z.int().check(z.positive())),
  /** While waiting: the wait once somebody can let people in; `door` says whether anybody can now. */
  estimatedWaitMinutes: z.nullable(z.int().check(z.nonnegative())),
  admittedBy: z.nullable(z.string()),
  declineNote: z.nullable(z.string()),
  documents: z.array(LocalizedTextSchema),
  createdAt: IsoInstantSchema,
  /** Appointment arrivals are served before walk-ins once their time has come. */
  kind: z.enum(['walk_in', 'appointment']),
  appointmentStartsAt: z.nullable(IsoInstantSchema),
  /**
   * Waiting while nobody is on duty, at an open or a closed door: the place is kept until this
   * instant, then the visit ends (`unattended`). Null while somebody is on duty, for appointment
   * arrivals, and in the moments before the attendance job has noted that nobody is there.
   */
  placeHeldUntil: z.nullable(IsoInstantSchema),
  /**
   * While waiting: whether anybody can let this person in now, so that the page says why it
   * cannot promise a wait. `state` is the door (a clerk's setting or the opening hours); closed or
   * paused, it takes no new knocks, but whoever waits keeps their place and may still be let in.
   * `onDuty`: false once no clerk has had the console open or been with a citizen for the door's
   * grace minute (as the door page says "unattended"); then `placeHeldUntil` is set for a
   * walk-in. Null once not waiting.
   */
  door: z.nullable(z.object({ state: DoorStateSchema, onDuty: z.boolean() })),
});
export type CitizenVisit = z.infer<typeof CitizenVisitSchema>;

export const CitizenVisitResponseSchema = z.object({ visit: CitizenVisitSchema });
/**
 * `GET /api/visit`: this browser's visit, or null when it has none. The answer also carries the
 * office's clock (`OfficeClockSchema`, office-clock.api.ts): the waiting room tells by it when an appointment's start
 * has passed, as a phone's own clock may be hours off.
 */
export const OwnVisitResponseSchema = z.object({ visit: z.nullable(CitizenVisitSchema) });
export type OwnVisitResponse = z.infer<typeof OwnVisitResponseSchema>;

/** A visit as clerks see it in the console. */
export const QueueEntrySchema = z.object({
  id: z.uuid(),
  state: VisitStateSchema,
  name: z.string(),
  concern: z.nullable(z.string()),
  service: z.nullable(z.object({ slug: z.string(), name: LocalizedTextSchema })),
  language: z.string(),
  interpreterLanguage: z.nullable(z.string()),
  createdAt: IsoInstantSchema,
  admittedAt: z.nullable(IsoInstantSchema),
  admittedBy: z.nullable(z.object({ id: z.uuid(), name: z.string() })),
  kind: z.enum(['walk_in', 'appointment']),
  /** For appointment arrivals: the booked start and how many people come. */
  appointment: z.nullable(z.object({ id: z.uuid(), startsAt: IsoInstantSchema, persons: z.int().check(z.positive()) })),
  /** In a browser (`video`) or in the town hall (`onsite`, issue 16). */
  channel: ChannelSchema,
  /** On site: the ticket number of the day, called on the display. */
  ticketNumber: z.nullable(z.int().check(z.positive())),
  /** On site, once called to a counter: when (last called, after a recall) and to which. */
  calledAt: z.nullable(IsoInstantSchema),
  calledCounter: z.nullable(z.string()),
});
export type QueueEntry = z.infer<typeof QueueEntrySchema>;

export const ConsoleSnapshotSchema = z.object({
  department: z.object({
    id: z.uuid(),
    slug: z.string(),
    name: LocalizedTextSchema,
    tenantSlug: z.string(),
    timeZone: z.string(),
  }),
  door: DoorLiveSchema,
  /** The clerks' setting for today, or `auto` when the opening hours rule. */
  doorSetting: z.enum(['open', 'paused', 'closed', 'auto']),
  /** Waiting visits in queue order. */
  queue: z.array(QueueEntrySchema),
  /** Visits admitted and not yet finished, by any clerk of the department. */
  active: z.array(QueueEntrySchema),
});
export type ConsoleSnapshot = z.infer<typeof ConsoleSnapshotSchema>;

export const DoorSettingSchema = z.object({ state: z.enum(['open', 'paused', 'closed', 'auto']) });
export type DoorSetting = z.infer<typeof DoorSettingSchema>;

export const DeclineRequestSchema = z.object({ note: z.optional(plainText(300)) });
