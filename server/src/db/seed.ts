import { randomBytes } from 'node:crypto';
import {
  addDays,
  formatCivilDate,
  WEEKDAY_KEYS,
  weeklyWindows,
  type CivilDate,
  type LocalizedText,
  type OpeningHours,
  type WeekdayKey,
} from '@amtsraum/shared';
import { count } from 'drizzle-orm';
import { hashPassword } from '../lib/passwords.js';
import type { Db } from './client.js';
import { closures, departments, services, staff, staffAvailability, staffMemberships, tenants } from './schema.js';

/**
 * Demo data for a first start: two municipalities, the departments Dormagen put into its
 * virtual office, realistic services, opening hours, public holidays and staff accounts.
 */

export interface DemoLogin {
  email: string;
  name: string;
  password: string;
  roles: string;
}

const t = (de: string, en: string): LocalizedText => ({ de, en });

const weekdays = (intervals: OpeningHours['mon'], extra: Partial<OpeningHours> = {}): OpeningHours => ({
  mon: intervals,
  tue: intervals,
  wed: intervals,
  thu: intervals,
  fri: intervals,
  sat: [],
  sun: [],
  ...extra,
});

const DOCS = {
  id: t('Personalausweis oder Reisepass', 'Identity card or passport'),
  photo: t('Ein aktuelles biometrisches Passfoto', 'A current biometric passport photo'),
  landlord: t('Wohnungsgeberbestätigung des Vermieters', "Landlord's confirmation of residence"),
  birth: t('Geburtsurkunden der Kinder', "Children's birth certificates"),
  oldLicence: t('Bisheriger Führerschein', 'Current driving licence'),
  tradeForm: t('Ausgefülltes Formular Gewerbeanmeldung (GewA 1)', 'Completed business registration form (GewA 1)'),
  permit: t('Erlaubnis oder Handwerkskarte, falls erforderlich', 'Permit or craft card, if required'),
  residence: t('Aufenthaltstitel bei ausländischen Staatsangehörigen', 'Residence permit for foreign nationals'),
  description: t(
    'Beschreibung des Gegenstands (Farbe, Marke, Inhalt)',
    'Description of the item (colour, brand, contents)',
  ),
  lossDate: t('Ort und Datum des Verlusts', 'Place and date of the loss'),
} satisfies Record<string, LocalizedText>;

/** Gregorian Easter Sunday (Meeus/Jones/Butcher). */
export function easterSunday(year: number): CivilDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

/** Public holidays of North Rhine-Westphalia (where Dormagen is) plus the usual office closures. */
export function nrwHolidays(year: number): { date: CivilDate; name: LocalizedText }[] {
  const easter = easterSunday(year);
  const fixed = (month: number, day: number): CivilDate => ({ year, month, day });
  return [
    { date: fixed(1, 1), name: t('Neujahr', "New Year's Day") },
    { date: addDays(easter, -2), name: t('Karfreitag', 'Good Friday') },
    { date: addDays(easter, 1), name: t('Ostermontag', 'Easter Monday') },
    { date: fixed(5, 1), name: t('Tag der Arbeit', 'Labour Day') },
    { date: addDays(easter, 39), name: t('Christi Himmelfahrt', 'Ascension Day') },
    { date: addDays(easter, 50), name: t('Pfingstmontag', 'Whit Monday') },
    { date: addDays(easter, 60), name: t('Fronleichnam', 'Corpus Christi') },
    { date: fixed(10, 3), name: t('Tag der Deutschen Einheit', 'German Unity Day') },
    { date: fixed(11, 1), name: t('Allerheiligen', "All Saints' Day") },
    { date: fixed(12, 24), name: t('Heiligabend (Verwaltung geschlossen)', 'Christmas Eve (offices closed)') },
    { date: fixed(12, 25), name: t('1. Weihnachtstag', 'Christmas Day') },
    { date: fixed(12, 26), name: t('2. Weihnachtstag', 'Boxing Day') },
    { date: fixed(12, 31), name: t('Silvester (Verwaltung geschlossen)', "New Year's Eve (offices closed)") },
  ];
}

/** Booking rules of the demo departments: two months ahead, two hours' notice, today's slots from 07:45. */
export const BOOKING_RULES = {
  bookingHorizonDays: 60,
  bookingLeadMinutes: 120,
  sameDayReleaseTime: '07:45',
  joinOpensMinutesBefore: 10,
  noShowGraceMinutes: 10,
  maxPersonsPerBooking: 6,
} as const;

function demoPassword(fixed: string | null): string {
  return fixed ?? randomBytes(9).toString('base64url');
}

/** Seeds the demo installation if the database holds no tenant yet. Returns the logins made. */
export async function seedDemoIfEmpty(
  db: Db,
  options: { now: Date; password: string | null },
): Promise<DemoLogin[] | null> {
  const [existing] = await db.select({ n: count() }).from(tenants);
  if ((existing?.n ?? 0) > 0) return null;

  return db.transaction(async (tx) => {
    const [musterstadt] = await tx
      .insert(tenants)
      .values({ slug: 'musterstadt', name: 'Stadt Musterstadt', timeZone: 'Europe/Berlin', brandColor: '#1d4f91' })
      .returning();
    const [beispielheim] = await tx
      .insert(tenants)
      .values({ slug: 'beispielheim', name: 'Gemeinde Beispielheim', timeZone: 'Europe/Berlin', brandColor: '#2e6b30' })
      .returning();
    if (!musterstadt || !beispielheim) throw new Error('seeding tenants failed');

    const inserted = await tx
      .insert(departments)
      .values([
        {
          tenantId: musterstadt.id,
          slug: 'buergeramt',
          name: t('Bürgeramt', 'Citizens’ Office'),
          description: t(
            'Ausweise und Pässe, Meldeangelegenheiten, Führungszeugnisse und Beglaubigungen.',
            'Identity cards and passports, residence registration, certificates of good conduct and certifications.',
          ),
          contact: {
            phone: '+49 2133 000-100',
            email: 'buergeramt@musterstadt.example',
            address: 'Rathausplatz 1, 41539 Musterstadt',
            room: 'Erdgeschoss, Zimmer 0.12',
          },
          openingHours: weekdays([{ from: '08:00', to: '12:30' }], {
            tue: [
              { from: '08:00', to: '12:30' },
              { from: '14:00', to: '18:00' },
            ],
            thu: [
              { from: '08:00', to: '12:30' },
              { from: '14:00', to: '18:00' },
            ],
            sat: [{ from: '09:00', to: '12:00' }],
          }),
          queueCap: 25,
          avgHandlingMinutes: 12,
          sortOrder: 1,
          ...BOOKING_RULES,
        },
        {
          tenantId: musterstadt.id,
          slug: 'gewerbeamt',
          name: t('Gewerbeamt', 'Trade Office'),
          description: t(
            'Gewerbe anmelden, ummelden und abmelden, Erlaubnisse und Auskünfte für Betriebe.',
            'Registering, changing and closing a business, permits and information for companies.',
          ),
          contact: {
            phone: '+49 2133 000-200',
            email: 'gewerbeamt@musterstadt.example',
            address: 'Rathausplatz 1, 41539 Musterstadt',
            room: '1. Obergeschoss, Zimmer 1.04',
          },
          openingHours: weekdays([{ from: '08:30', to: '12:00' }], {
            wed: [],
            thu: [
              { from: '08:30', to: '12:00' },
              { from: '14:00', to: '17:00' },
            ],
          }),
          queueCap: 15,
          avgHandlingMinutes: 20,
          sortOrder: 2,
          ...BOOKING_RULES,
        },
        {
          tenantId: musterstadt.id,
          slug: 'fundbuero',
          name: t('Fundbüro', 'Lost and Found'),
          description: t(
            'Verlorenes melden, Gefundenes abgeben und nach Fundsachen fragen.',
            'Report a loss, hand in a found item and ask about found property.',
          ),
          contact: {
            phone: '+49 2133 000-300',
            email: 'fundbuero@musterstadt.example',
            address: 'Rathausplatz 1, 41539 Musterstadt',
            room: 'Erdgeschoss, Zimmer 0.03',
          },
          openingHours: weekdays([{ from: '09:00', to: '12:00' }], { fri: [] }),
          queueCap: 10,
          avgHandlingMinutes: 8,
          sortOrder: 3,
          ...BOOKING_RULES,
        },
        {
          tenantId: beispielheim.id,
          slug: 'buergerbuero',
          name: t('Bürgerbüro', 'Citizens’ Office'),
          description: t(
            'Alle Anliegen rund um Ausweis, Meldung und Gewerbe in einem Büro.',
            'Everything about identity cards, registration and businesses in one office.',
          ),
          contact: {
            phone: '+49 2100 000-10',
            email: 'buergerbuero@beispielheim.example',
            address: 'Dorfstraße 5, 41000 Beispielheim',
          },
          openingHours: weekdays([{ from: '08:00', to: '12:00' }], {
            thu: [
              { from: '08:00', to: '12:00' },
              { from: '15:00', to: '18:00' },
            ],
          }),
          queueCap: 10,
          avgHandlingMinutes: 15,
          ...BOOKING_RULES,
        },
      ])
      .returning();
    const bySlug = (tenantId: string, slug: string) => {
      const row = inserted.find((d) => d.tenantId === tenantId && d.slug === slug);
      if (!row) throw new Error(`seeding: no department ${slug}`);
      return row.id;
    };
    const buergeramt = bySlug(musterstadt.id, 'buergeramt');
    const gewerbeamt = bySlug(musterstadt.id, 'gewerbeamt');
    const fundbuero = bySlug(musterstadt.id, 'fundbuero');
    const buergerbuero = bySlug(beispielheim.id, 'buergerbuero');

    await tx.insert(services).values([
      {
        departmentId: buergeramt,
        slug: 'personalausweis',
        name: t('Personalausweis beantragen', 'Apply for an identity card'),
        description: t(
          'Antrag auf einen neuen Personalausweis; die Abholung erfolgt vor Ort.',
          'Application for a new identity card; collection is in person.',
        ),
        durationMinutes: 15,
        extraMinutesPerPerson: 10,
        documents: [DOCS.id, DOCS.photo],
        sortOrder: 1,
      },
      {
        departmentId: buergeramt,
        slug: 'wohnsitz-anmelden',
        name: t('Wohnsitz anmelden oder ummelden', 'Register or change your residence'),
        description: t('Innerhalb von zwei Wochen nach dem Einzug.', 'Within two weeks of moving in.'),
        durationMinutes: 10,
        extraMinutesPerPerson: 5,
        documents: [DOCS.id, DOCS.landlord, DOCS.birth],
        sortOrder: 2,
      },
      {
        departmentId: buergeramt,
        slug: 'fuehrungszeugnis',
        name: t('Führungszeugnis beantragen', 'Apply for a certificate of good conduct'),
        description: null,
        durationMinutes: 5,
        extraMinutesPerPerson: 5,
        documents: [DOCS.id],
        bookable: false,
        sortOrder: 3,
      },
      {
        departmentId: buergeramt,
        slug: 'auskunft',
        name: t('Allgemeine Auskunft', 'General information'),
        description: t('Fragen, bevor Sie einen Antrag stellen.', 'Questions before you apply for something.'),
        durationMinutes: 5,
        extraMinutesPerPerson: 0,
        documents: [],
        bookable: false,
        sortOrder: 4,
      },
      {
        departmentId: gewerbeamt,
        slug: 'gewerbe-anmelden',
        name: t('Gewerbe anmelden', 'Register a business'),
        description: t('Für Einzelunternehmen und Gesellschaften.', 'For sole traders and companies.'),
        durationMinutes: 30,
        extraMinutesPerPerson: 10,
        documents: [DOCS.id, DOCS.tradeForm, DOCS.permit, DOCS.residence],
        knockable: false,
        sortOrder: 1,
      },
      {
        departmentId: gewerbeamt,
        slug: 'gewerbe-abmelden',
        name: t('Gewerbe abmelden', 'Close a business'),
        description: null,
        durationMinutes: 15,
        extraMinutesPerPerson: 5,
        documents: [DOCS.id],
        sortOrder: 2,
      },
      {
        departmentId: gewerbeamt,
        slug: 'beratung',
        name: t('Beratung zur Gründung', 'Advice on starting a business'),
        description: null,
        durationMinutes: 20,
        extraMinutesPerPerson: 0,
        documents: [],
        sortOrder: 3,
      },
      {
        departmentId: fundbuero,
        slug: 'verlust-melden',
        name: t('Verlust melden', 'Report a loss'),
        description: null,
        durationMinutes: 10,
        extraMinutesPerPerson: 0,
        documents: [DOCS.description, DOCS.lossDate],
        bookable: false,
        sortOrder: 1,
      },
      {
        departmentId: fundbuero,
        slug: 'fundsache-abholen',
        name: t('Fundsache abholen vereinbaren', 'Arrange to collect a found item'),
        description: null,
        durationMinutes: 10,
        extraMinutesPerPerson: 0,
        documents: [DOCS.id, DOCS.description],
        sortOrder: 2,
      },
      {
        departmentId: buergerbuero,
        slug: 'personalausweis',
        name: t('Personalausweis beantragen', 'Apply for an identity card'),
        description: null,
        durationMinutes: 15,
        extraMinutesPerPerson: 10,
        documents: [DOCS.id, DOCS.photo],
        sortOrder: 1,
      },
      {
        departmentId: buergerbuero,
        slug: 'wohnsitz-anmelden',
        name: t('Wohnsitz anmelden oder ummelden', 'Register or change your residence'),
        description: t(
          'Für die ganze Familie in einem Termin: je Person fünf Minuten mehr.',
          'The whole family in one appointment: five more minutes per person.',
        ),
        durationMinutes: 10,
        extraMinutesPerPerson: 5,
        documents: [DOCS.id, DOCS.landlord, DOCS.birth],
        sortOrder: 2,
      },
    ]);

    const today = { year: options.now.getUTCFullYear(), month: 1, day: 1 };
    const holidayRows = [today.year, today.year + 1].flatMap((year) =>
      nrwHolidays(year).flatMap(({ date, name }) => [
        { tenantId: musterstadt.id, startsOn: formatCivilDate(date), endsOn: formatCivilDate(date), reason: name },
        { tenantId: beispielheim.id, startsOn: formatCivilDate(date), endsOn: formatCivilDate(date), reason: name },
      ]),
    );
    await tx.insert(closures).values(holidayRows);

    const ALL_DAYS = WEEKDAY_KEYS;
    const people: {
      email: string;
      name: string;
      languages: string[];
      admin: boolean;
      memberships: [string, 'clerk' | 'admin'][];
      /** Department → the weekdays on which the person takes appointments there (its opening hours). */
      bookable: [string, readonly WeekdayKey[]][];
    }[] = [
      {
        email: 'anna.schmidt@musterstadt.example',
        name: 'Anna Schmidt',
        languages: ['de', 'en'],
        admin: false,
        memberships: [[buergeramt, 'clerk']],
        bookable: [[buergeramt, ALL_DAYS]],
      },
      {
        email: 'mehmet.yilmaz@musterstadt.example',
        name: 'Mehmet Yılmaz',
        languages: ['de', 'tr', 'en'],
        admin: false,
        memberships: [
          [buergeramt, 'clerk'],
          [fundbuero, 'clerk'],
        ],
        bookable: [
          [buergeramt, ['tue', 'wed', 'fri', 'sat']],
          [fundbuero, ['mon', 'thu']],
        ],
      },
      {
        email: 'petra.weber@musterstadt.example',
        name: 'Petra Weber',
        languages: ['de'],
        admin: false,
        memberships: [[gewerbeamt, 'admin']],
        bookable: [[gewerbeamt, ALL_DAYS]],
      },
      {
        email: 'verwaltung@musterstadt.example',
        name: 'Verwaltung Musterstadt',
        languages: ['de', 'en'],
        admin: true,
        memberships: [
          [buergeramt, 'admin'],
          [gewerbeamt, 'admin'],
          [fundbuero, 'admin'],
        ],
        bookable: [],
      },
      {
        email: 'lena.hoffmann@beispielheim.example',
        name: 'Lena Hoffmann',
        languages: ['de', 'en', 'pl'],
        admin: true,
        memberships: [[buergerbuero, 'admin']],
        bookable: [[buergerbuero, ALL_DAYS]],
      },
    ];

    const logins: DemoLogin[] = [];
    for (const person of people) {
      const password = demoPassword(options.password);
      const tenantId = person.email.endsWith('@beispielheim.example') ? beispielheim.id : musterstadt.id;
      const [row] = await tx
        .insert(staff)
        .values({
          tenantId,
          email: person.email,
          name: person.name,
          passwordHash: await hashPassword(password),
          languages: [...person.languages],
          isTenantAdmin: person.admin,
        })
        .returning({ id: staff.id });
      if (!row) throw new Error('seeding staff failed');
      await tx
        .insert(staffMemberships)
        .values(person.memberships.map(([departmentId, role]) => ({ staffId: row.id, departmentId, role })));
      const availability = person.bookable.flatMap(([departmentId, days]) => {
        const hours = inserted.find((d) => d.id === departmentId)!.openingHours;
        return weeklyWindows(hours, days).map((slot) => ({ staffId: row.id, departmentId, ...slot }));
      });
      if (availability.length > 0) await tx.insert(staffAvailability).values(availability);
      const roleText = person.memberships
        .map(([departmentId, role]) => `${role} ${inserted.find((d) => d.id === departmentId)?.slug ?? ''}`)
        .join(', ');
      logins.push({
        email: person.email,
        name: person.name,
        password,
        roles: person.admin ? `tenant admin; ${roleText}` : roleText,
      });
    }
    return logins;
  });
}

export function formatDemoLogins(logins: DemoLogin[], baseUrl: string): string {
  const width = Math.max(...logins.map((login) => login.email.length));
  return [
    '',
    'Demo data created. Staff sign-in (shown only this once; set SEED_DEMO_PASSWORD for fixed ones):',
    ...logins.map((login) => `  ${login.email.padEnd(width)}  ${login.password}   (${login.roles})`),
    `Open ${new URL('/musterstadt', baseUrl).toString()} to see the demo municipality.`,
    '',
  ].join('\n');
}
