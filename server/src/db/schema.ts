import {
  APPOINTMENT_STATES,
  VISIT_STATES,
  type CallParticipant,
  type Channel,
  type Contact,
  type DepartmentNameForms,
  type DeviceKind,
  type Locale,
  type LocalizedText,
  type OpeningHours,
  type ServiceChannels,
} from '@amtsraum/shared';
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  type AnyPgColumn,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The data model. Times are `timestamptz` (UTC instants); wall-clock data (opening hours,
 * closure dates) is interpreted in the tenant's time zone.
 *
 * One file on purpose, though longer than most: it is the whole schema drizzle-kit diffs to write
 * a migration, and its tables reference each other (visits ↔ appointments), so the model reads
 * in one place, in the order the migrations created it.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** A municipality. Several share one installation; every other row hangs off one. */
export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull().default('Europe/Berlin'),
  defaultLocale: text('default_locale').notNull().default('de'),
  brandColor: text('brand_color').notNull().default('#1d4f91'),
  logoUrl: text('logo_url'),
  /** The languages the municipality offers citizens (German always among them). */
  locales: text('locales')
    .array()
    .notNull()
    .default(sql`'{de,en}'::text[]`),
  /** The municipality's own contact (for the legal pages and the accessibility feedback). */
  contact: jsonb('contact').$type<Contact>().notNull().default({}),
  /** The German state whose public holidays are prefilled ("NW", "BY", …). */
  stateCode: text('state_code').notNull().default('NW'),
  /** Archived by the installation admin: no page, no sign-in; the data stays until purged. */
  archivedAt: timestamp('archived_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/**
 * The municipality's own texts (issue 15): the legal pages every German public website needs and
 * the FAQ about the virtual office. `body` is localized text for a page, a list of questions and
 * answers per language for the FAQ (older rows: one list of localized entries, read per language).
 * A page never written shows a default text; so does each language a page's `body` leaves out
 * (German too: a page may hold English alone), and each language the FAQ's leaves out.
 */
export const tenantTextKindEnum = pgEnum('tenant_text_kind', ['imprint', 'privacy', 'accessibility', 'faq']);
export const tenantTexts = pgTable(
  'tenant_texts',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    kind: tenantTextKindEnum('kind').notNull(),
    body: jsonb('body')
      .$type<
        | Partial<Record<string, string>>
        | Partial<Record<string, { question: string; answer: string }[]>>
        | { question: LocalizedText; answer: LocalizedText }[]
      >()
      .notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.kind] })],
);

/**
 * Sign-in through the municipality's identity provider (OpenID Connect, issue 15). The client
 * secret is stored sealed with the installation's secret (lib/secret-box.ts), never in clear.
 * `roleMapping` maps values of `roleClaim` to roles: the municipality admin, or a role in one
 * department (by slug).
 */
export const tenantIdentityProviders = pgTable('tenant_identity_providers', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  clientSecretSealed: text('client_secret_sealed'),
  /** What the sign-in button says, per language. */
  label: jsonb('label').$type<LocalizedText>().notNull(),
  scopes: text('scopes').notNull().default('openid email profile'),
  roleClaim: text('role_claim').notNull().default('groups'),
  roleMapping: jsonb('role_mapping')
    .$type<{ value: string; tenantAdmin?: boolean; department?: string; role?: 'clerk' | 'admin' }[]>()
    .notNull()
    .default([]),
  /** Create an account on the first sign-in when the mapping gives a role; otherwise only existing accounts. */
  provisionAccounts: boolean('provision_accounts').notNull().default(false),
  enabled: boolean('enabled').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const doorStateEnum = pgEnum('door_state', ['open', 'paused', 'closed']);

export const departments = pgTable(
  'departments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    name: jsonb('name').$type<LocalizedText>().notNull(),
    /** How the name stands in a sentence per language ("beim Bürgeramt", "zum Bürgeramt"). */
    nameForms: jsonb('name_forms').$type<DepartmentNameForms>().notNull().default({}),
    description: jsonb('description').$type<LocalizedText>().notNull(),
    contact: jsonb('contact').$type<Contact>().notNull().default({}),
    openingHours: jsonb('opening_hours').$type<OpeningHours>().notNull(),
    /** Set by clerks; null means "follow the opening hours". */
    doorOverride: doorStateEnum('door_override'),
    doorOverrideAt: timestamp('door_override_at', { withTimezone: true }),
    /**
     * Since when nobody is on duty (no console open, nobody being served), as the attendance job
     * last saw it; null while somebody is. See docs/decisions/017-a-door-nobody-attends.md.
     */
    unattendedSince: timestamp('unattended_since', { withTimezone: true }),
    queueCap: integer('queue_cap').notNull().default(30),
    avgHandlingMinutes: integer('avg_handling_minutes').notNull().default(10),
    /** Booking rules: how far ahead (days), how soon (minutes from now) and when today's slots are released. */
    bookingHorizonDays: integer('booking_horizon_days').notNull().default(60),
    bookingLeadMinutes: integer('booking_lead_minutes').notNull().default(120),
    /** Wall-clock time (tenant zone, "HH:MM") from which today's remaining slots can be booked; null: never same-day. */
    sameDayReleaseTime: text('same_day_release_time'),
    /** The join link works this many minutes before the appointment. */
    joinOpensMinutesBefore: integer('join_opens_minutes_before').notNull().default(10),
    /** An appointment not arrived this many minutes after its start can be marked a no-show. */
    noShowGraceMinutes: integer('no_show_grace_minutes').notNull().default(10),
    maxPersonsPerBooking: integer('max_persons_per_booking').notNull().default(6),
    /** `hours`: the door follows the opening hours (clerks may pause it); `manual`: only clerks open it. */
    doorPolicy: text('door_policy').notNull().default('hours'),
    /** Clerks may enter their own absences for this department. */
    clerksManageAbsences: boolean('clerks_manage_absences').notNull().default(false),
    /** Archived by an admin: no door, no booking; the data stays for the retention period. */
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    sortOrder: integer('sort_order').notNull().default(0),
    /**
     * Hybrid office (issue 16): where on-site visitors go (building, room, address), per language;
     * shown in the on-site confirmation, its calendar entry and the manage page.
     */
    onsiteLocation: jsonb('onsite_location').$type<LocalizedText>(),
    /** The kiosk hands out walk-in tickets (while the door is open and the queue not full). */
    kioskWalkIns: boolean('kiosk_walk_ins').notNull().default(false),
    /** Check-in at the kiosk opens this many minutes before an on-site appointment. */
    checkInOpensMinutesBefore: integer('check_in_opens_minutes_before').notNull().default(30),
    createdAt: createdAt(),
  },
  (table) => [
    check('departments_check_in_opens_nonnegative', sql`${table.checkInOpensMinutesBefore} >= 0`),
    check('departments_door_policy', sql`${table.doorPolicy} in ('hours', 'manual')`),
    uniqueIndex('departments_tenant_slug_key').on(table.tenantId, table.slug),
    check('departments_queue_cap_positive', sql`${table.queueCap} > 0`),
    check('departments_avg_handling_positive', sql`${table.avgHandlingMinutes} > 0`),
    check('departments_booking_horizon_positive', sql`${table.bookingHorizonDays} > 0`),
    check('departments_booking_lead_nonnegative', sql`${table.bookingLeadMinutes} >= 0`),
    check('departments_max_persons_positive', sql`${table.maxPersonsPerBooking} > 0`),
  ],
);

/** Days closed: for one department, or (department_id null) tenant-wide public holidays. */
export const closures = pgTable(
  'closures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'cascade' }),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    reason: jsonb('reason').$type<LocalizedText>(),
    createdAt: createdAt(),
  },
  (table) => [
    index('closures_tenant_idx').on(table.tenantId, table.endsOn),
    check('closures_range', sql`${table.endsOn} >= ${table.startsOn}`),
  ],
);

export const services = pgTable(
  'services',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    name: jsonb('name').$type<LocalizedText>().notNull(),
    description: jsonb('description').$type<LocalizedText>(),
    durationMinutes: integer('duration_minutes').notNull(),
    extraMinutesPerPerson: integer('extra_minutes_per_person').notNull().default(0),
    documents: jsonb('documents').$type<LocalizedText[]>().notNull().default([]),
    bookable: boolean('bookable').notNull().default(true),
    knockable: boolean('knockable').notNull().default(true),
    /** The words citizens use for it, per language ("Führungszeugnis", "Ummeldung"), for the search. */
    keywords: jsonb('keywords').$type<Partial<Record<string, string[]>>>().notNull().default({}),
    /** The municipality's online application or payment for it (https); we link out. */
    onlineUrl: text('online_url'),
    /** Persons one booking of this service may bring; null: the department's limit. */
    maxPersons: integer('max_persons'),
    /** How it is given (issue 16): by video, on site at the counter, or both (the citizen chooses). */
    channels: text('channels').$type<ServiceChannels>().notNull().default('video'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    sortOrder: integer('sort_order').notNull().default(0),
    createdAt: createdAt(),
  },
  (table) => [
    check('services_channels', sql`${table.channels} in ('video', 'onsite', 'both')`),
    uniqueIndex('services_department_slug_key').on(table.departmentId, table.slug),
    check('services_duration_positive', sql`${table.durationMinutes} > 0`),
    check('services_extra_nonnegative', sql`${table.extraMinutesPerPerson} >= 0`),
  ],
);

/** Clerks and admins. E-mail addresses are stored lower-case and are unique per installation. */
export const staff = pgTable(
  'staff',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** argon2id, PHC string format. Null: no password yet (invited) or sign-in only through the identity provider. */
    passwordHash: text('password_hash'),
    languages: text('languages')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Municipality admin: manages every department of the tenant. */
    isTenantAdmin: boolean('is_tenant_admin').notNull().default(false),
    /** Installation admin: creates and archives municipalities (a regional IT provider). */
    isInstallationAdmin: boolean('is_installation_admin').notNull().default(false),
    /** The TOTP secret (base32), sealed with the installation's secret (lib/secret-box.ts); null: none set up. */
    totpSecretSealed: text('totp_secret_sealed'),
    totpConfirmedAt: timestamp('totp_confirmed_at', { withTimezone: true }),
    /** The last TOTP time step used: a code works once. */
    totpLastStep: integer('totp_last_step'),
    /** The account at the municipality's identity provider (issuer URL and `sub`). */
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('staff_email_key').on(table.email),
    uniqueIndex('staff_oidc_key').on(table.oidcIssuer, table.oidcSubject),
    check('staff_email_lowercase', sql`${table.email} = lower(${table.email})`),
  ],
);

export const staffRoleEnum = pgEnum('staff_role', ['clerk', 'admin']);

export const staffMemberships = pgTable(
  'staff_memberships',
  {
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    role: staffRoleEnum('role').notNull(),
    /** Where this clerk serves on site in this department ("Platz 3"), set by the clerk; called on the display. */
    counterName: text('counter_name'),
  },
  (table) => [
    primaryKey({ columns: [table.staffId, table.departmentId] }),
    index('staff_memberships_department_idx').on(table.departmentId),
  ],
);

/** A signed-in clerk or admin. The cookie holds a random token; only its SHA-256 is stored. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /**
     * How the person proved who they are: `password` alone (enough for the console), or with a
     * second factor (`totp`), or through the municipality's identity provider (`oidc`). Admin
     * routes need `totp` or `oidc` (admin-access.ts).
     */
    authMethod: text('auth_method').notNull().default('password'),
  },
  (table) => [
    index('staff_sessions_staff_idx').on(table.staffId),
    check('staff_sessions_auth_method', sql`${table.authMethod} in ('password', 'totp', 'oidc')`),
  ],
);

/**
 * Single-use links for staff sent by e-mail: an invitation to set a first password, or a password
 * reset. Only the token's SHA-256 is stored; using it sets `usedAt`.
 */
export const staffTokenPurposeEnum = pgEnum('staff_token_purpose', ['invite', 'reset']);
export const staffTokens = pgTable(
  'staff_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    purpose: staffTokenPurposeEnum('purpose').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdBy: uuid('created_by').references((): AnyPgColumn => staff.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('staff_tokens_hash_key').on(table.tokenHash),
    index('staff_tokens_staff_idx').on(table.staffId),
  ],
);

// The states cross the wire too: one list in shared/, for the database and the API alike.
export const visitStateEnum = pgEnum('visit_state', VISIT_STATES);
export const visitKindEnum = pgEnum('visit_kind', ['walk_in', 'appointment']);

/**
 * One citizen's way through the door. A row from the moment of the knock: the queue is the
 * department's visits in state `waiting`, in (priority desc, created_at, id) order.
 */
export const visits = pgTable(
  'visits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    kind: visitKindEnum('kind').notNull().default('walk_in'),
    state: visitStateEnum('state').notNull().default('waiting'),
    /** Appointments due now are served before walk-ins (higher first). */
    priority: integer('priority').notNull().default(0),
    citizenName: text('citizen_name').notNull(),
    concern: text('concern'),
    serviceId: uuid('service_id').references(() => services.id, { onDelete: 'set null' }),
    language: text('language').notNull(),
    interpreterLanguage: text('interpreter_language'),
    createdAt: createdAt(),
    /** Refreshed while the citizen's page is connected; a waiting visit unseen past the grace period expires. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    admittedAt: timestamp('admitted_at', { withTimezone: true }),
    admittedBy: uuid('admitted_by').references(() => staff.id, { onDelete: 'set null' }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    declineNote: text('decline_note'),
    /** The clerk lets the citizen share their screen in this visit's call. */
    citizenScreenShare: boolean('citizen_screen_share').notNull().default(false),
    /** An appointment arrival: the booked appointment this visit serves. */
    appointmentId: uuid('appointment_id').references((): AnyPgColumn => appointments.id, { onDelete: 'set null' }),
    /**
     * The key of the call's end-to-end encryption (LiveKit): made for the first grant to the call,
     * handed only to the call's participants with their grant, never to LiveKit, and dropped when
     * the visit ends (visit-states.ts).
     */
    callKey: text('call_key'),
    /**
     * Hybrid office (issue 16): `video` waits in a browser; `onsite` waits on a chair in the town
     * hall (a kiosk check-in, a walk-in ticket, or a clerk's check-in at the counter). An on-site
     * visit has no page to be seen by, so it is never expired for being unseen.
     */
    channel: text('channel').$type<Channel>().notNull().default('video'),
    /** On-site visits: the ticket number called on the display, counted per department and day. */
    ticketDay: date('ticket_day'),
    ticketNumber: integer('ticket_number'),
    /** On-site visits: when the clerk (last) called the ticket, and to which counter. */
    calledAt: timestamp('called_at', { withTimezone: true }),
    calledCounter: text('called_counter'),
  },
  (table) => [
    check('visits_channel', sql`${table.channel} in ('video', 'onsite')`),
    uniqueIndex('visits_ticket_key')
      .on(table.departmentId, table.ticketDay, table.ticketNumber)
      .where(sql`${table.ticketNumber} is not null`),
    index('visits_called_idx').on(table.departmentId, table.calledAt),
    index('visits_queue_idx').on(table.departmentId, table.state, table.priority, table.createdAt),
    // A clerk is with one citizen at a time: the database says so, not only the code.
    uniqueIndex('visits_one_active_per_clerk')
      .on(table.admittedBy)
      .where(sql`${table.state} in ('admitted', 'in_call')`),
    index('visits_handled_idx').on(table.departmentId, table.endedAt),
    index('visits_appointment_idx').on(table.appointmentId),
  ],
);

/** Who did what to which visit, and when. Never the content of a concern or conversation. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'cascade' }),
    visitId: uuid('visit_id').references(() => visits.id, { onDelete: 'set null' }),
    actorKind: text('actor_kind').notNull(), // staff | citizen | system
    actorStaffId: uuid('actor_staff_id').references(() => staff.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    data: jsonb('data').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [
    index('audit_events_tenant_idx').on(table.tenantId, table.createdAt),
    index('audit_events_actor_idx').on(table.actorStaffId, table.createdAt),
  ],
);

/** Clerks with a console open, per department and connection: the "clerks on duty" of the estimate. */
export const consolePresence = pgTable(
  'console_presence',
  {
    connectionId: text('connection_id').primaryKey(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('console_presence_department_idx').on(table.departmentId, table.seenAt)],
);

/**
 * Who is in a peer-to-peer call, whichever app process their WebSocket reached (decision 012): the
 * process holding the connection writes the row and refreshes `seen_at` while the connection
 * lives; the call's messages travel between processes on the event bus. A row whose process died
 * is swept after a minute. `participant` holds what everyone in the call sees (name, role, media).
 */
export const callMembers = pgTable(
  'call_members',
  {
    visitId: uuid('visit_id')
      .notNull()
      .references(() => visits.id, { onDelete: 'cascade' }),
    identity: text('identity').notNull(),
    connectionId: text('connection_id').notNull(),
    participant: jsonb('participant').$type<CallParticipant>().notNull(),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.visitId, table.identity] }),
    index('call_members_connection_idx').on(table.connectionId),
    index('call_members_seen_idx').on(table.seenAt),
  ],
);

/**
 * A clerk's weekly bookable hours in one department, wall-clock in the tenant's zone.
 * Weekday 1 = Monday … 7 = Sunday (ISO). Times "HH:MM".
 */
export const staffAvailability = pgTable(
  'staff_availability',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    weekday: integer('weekday').notNull(),
    startsAt: text('starts_at').notNull(),
    endsAt: text('ends_at').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    index('staff_availability_department_idx').on(table.departmentId, table.weekday),
    check('staff_availability_weekday', sql`${table.weekday} between 1 and 7`),
    check(
      'staff_availability_times',
      sql`${table.startsAt} ~ '^[0-2][0-9]:[0-5][0-9]$' and ${table.endsAt} ~ '^[0-2][0-9]:[0-5][0-9]$' and ${table.startsAt} < ${table.endsAt}`,
    ),
  ],
);

/** A clerk not available (leave, training, sick): no slots with them in this span. */
export const staffAbsences = pgTable(
  'staff_absences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (table) => [
    index('staff_absences_staff_idx').on(table.staffId, table.endsAt),
    check('staff_absences_range', sql`${table.endsAt} > ${table.startsAt}`),
  ],
);

export const appointmentStateEnum = pgEnum('appointment_state', APPOINTMENT_STATES);

/**
 * A booked video appointment with one clerk. Two live appointments of one clerk never overlap:
 * an exclusion constraint (migration 0003, `appointments_no_overlap`) says so, not only the code.
 */
export const appointments = pgTable(
  'appointments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    /** The booked services, in order (slugs are stable; durations are summed at booking). */
    serviceIds: uuid('service_ids').array().notNull(),
    persons: integer('persons').notNull().default(1),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    state: appointmentStateEnum('state').notNull().default('booked'),
    citizenName: text('citizen_name').notNull(),
    /** Null only when a clerk booked for someone without e-mail (phone bookings). */
    email: text('email'),
    phone: text('phone'),
    language: text('language').notNull(),
    /**
     * The language of the citizen's e-mails about it (confirmation, reminder, cancellation, move):
     * the page's language when the citizen booked, not the conversation language, which may be one
     * we have no e-mail texts for (decision 008, addendum). Migration 0010 gave older rows their
     * conversation language where it was German or English, else German, as their e-mails had been.
     */
    mailLocale: text('mail_locale').$type<Locale>().notNull().default('de'),
    interpreterLanguage: text('interpreter_language'),
    concern: text('concern'),
    /** SHA-256 of the manage token sent by e-mail (it joins too); the token itself is never stored. */
    manageTokenHash: text('manage_token_hash').notNull(),
    /**
     * SHA-256 of the join-only token (the calendar entry's link, and the e-mail's "Zum Termin"): it
     * joins and shows the time, but neither manages nor shows personal data. Null for appointments
     * booked before it existed: their e-mails keep joining with the manage token.
     */
    joinTokenHash: text('join_token_hash'),
    bookedByStaffId: uuid('booked_by_staff_id').references(() => staff.id, { onDelete: 'set null' }),
    reminderSentAt: timestamp('reminder_sent_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /** Video (the join link) or on site (check-in at the kiosk or the counter), chosen at booking (issue 16). */
    channel: text('channel').$type<Channel>().notNull().default('video'),
    /**
     * On-site appointments: the short code the citizen types at the kiosk (also inside the QR code
     * of the confirmation), unique in the installation; purged with the appointment's personal data.
     */
    bookingCode: text('booking_code'),
    /**
     * On-site appointments: HMAC of the date of birth bound to this appointment (lib/birth-date.ts),
     * never the date itself; enough to verify it at check-in, and purged with the appointment.
     */
    birthDateHash: text('birth_date_hash'),
    /** Wrong check-in tries in a row; three lock the check-in until `checkInLockedUntil`. */
    checkInFailures: integer('check_in_failures').notNull().default(0),
    checkInLockedUntil: timestamp('check_in_locked_until', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    check('appointments_channel', sql`${table.channel} in ('video', 'onsite')`),
    uniqueIndex('appointments_booking_code_key').on(table.bookingCode),
    uniqueIndex('appointments_manage_token_key').on(table.manageTokenHash),
    uniqueIndex('appointments_join_token_key').on(table.joinTokenHash),
    index('appointments_department_idx').on(table.departmentId, table.startsAt),
    index('appointments_staff_idx').on(table.staffId, table.startsAt),
    check('appointments_range', sql`${table.endsAt} > ${table.startsAt}`),
    check('appointments_persons_positive', sql`${table.persons} > 0`),
  ],
);

export const inviteRoleEnum = pgEnum('invite_role', ['interpreter', 'guest']);

/**
 * An invite link into one visit's call (or into the call of an appointment, once the citizen has
 * arrived). The link carries a signed token naming this row; revocation and use counting are here.
 */
export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    visitId: uuid('visit_id').references(() => visits.id, { onDelete: 'cascade' }),
    appointmentId: uuid('appointment_id').references(() => appointments.id, { onDelete: 'cascade' }),
    role: inviteRoleEnum('role').notNull(),
    label: text('label').notNull(),
    language: text('language'),
    /** Single use: 1. Several people or devices: null. */
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    /** The invitee waits until the clerk lets them in. */
    lobby: boolean('lobby').notNull().default(false),
    /** Null: valid until the visit ends. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => staff.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    index('invites_visit_idx').on(table.visitId),
    index('invites_appointment_idx').on(table.appointmentId),
    check('invites_target', sql`(${table.visitId} is null) <> (${table.appointmentId} is null)`),
    check('invites_uses', sql`${table.maxUses} is null or ${table.uses} <= ${table.maxUses}`),
  ],
);

/** One person who came in by an invite link: the identity in the call, removed by the clerk or not. */
export const inviteGuests = pgTable(
  'invite_guests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    inviteId: uuid('invite_id')
      .notNull()
      .references(() => invites.id, { onDelete: 'cascade' }),
    /** The name the invitee gave (falls back to the invite's label). */
    name: text('name'),
    admittedAt: timestamp('admitted_at', { withTimezone: true }),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [index('invite_guests_invite_idx').on(table.inviteId)],
);

export const mailStateEnum = pgEnum('mail_state', ['pending', 'sent', 'failed']);

/** Outgoing e-mail, queued in the database and retried with backoff: a mail server that is down delays, never loses. */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    /** What it is about (confirmation, reminder, cancellation, invite…), for the log and the mailbox page. */
    kind: text('kind').notNull(),
    /** At most one message per key (for example one reminder per appointment). */
    dedupeKey: text('dedupe_key'),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    attachments: jsonb('attachments')
      .$type<{ filename: string; contentType: string; content: string; cid?: string }[]>()
      .notNull()
      .default([]),
    state: mailStateEnum('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('mail_outbox_dedupe_key').on(table.dedupeKey),
    index('mail_outbox_due_idx').on(table.state, table.nextAttemptAt),
  ],
);

/**
 * Rate-limit counters shared by every app process on one PostgreSQL (issue 11): a fixed window
 * per key, counted with one atomic upsert. Keys name the limit and a hash of what it counts (an
 * address, an e-mail address), never the value itself. Embedded PGlite counts in memory instead.
 */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    resetAt: timestamp('reset_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('rate_limit_counters_reset_idx').on(table.resetAt)],
);

/**
 * The last ticket number drawn per department and day (issue 16): the next one is
 * `update … set last = last + 1 returning last` in the drawing transaction, so concurrent draws get
 * distinct numbers and a rolled-back draw leaves no gap.
 */
export const ticketCounters = pgTable(
  'ticket_counters',
  {
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    last: integer('last').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.departmentId, table.day] })],
);

/**
 * A kiosk or call display in a town hall, paired with one department by an admin (issue 16). The
 * admin's screen shows a one-time pairing code (kept as SHA-256, valid for minutes); the device
 * trades it once for its own token, kept in an httpOnly cookie (SHA-256 here). Revoking ends
 * everything the device can do at its next request.
 */
export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<DeviceKind>().notNull(),
    label: text('label').notNull(),
    pairingCodeHash: text('pairing_code_hash'),
    pairingExpiresAt: timestamp('pairing_expires_at', { withTimezone: true }),
    tokenHash: text('token_hash'),
    pairedAt: timestamp('paired_at', { withTimezone: true }),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => staff.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [
    check('devices_kind', sql`${table.kind} in ('kiosk', 'display')`),
    uniqueIndex('devices_token_key').on(table.tokenHash),
    uniqueIndex('devices_pairing_code_key').on(table.pairingCodeHash),
    index('devices_department_idx').on(table.departmentId),
  ],
);
