import {
  MailboxListSchema,
  MailboxMessageSchema,
  SlotsResponseSchema,
  StaffAppointmentResponseSchema,
} from '@amtsraum/shared';
import { appForPastAppointments } from './appointment-in-the-past';
import { berlinDay, TODAY_SLOT_MARGIN } from './berlin-day';
import { expect, expectNoA11yViolations, mainHeading, test } from './fixtures';
import { appOfOneBerlinDay, type OneDayApp } from './one-day-app';
import {
  expectNoBrowserErrors,
  newPerson,
  peoplePerTest,
  signInAsStaff,
  TESTHAUSEN_PASSWORD,
  type Person,
} from './support';

// A citizen's old phone whose clock is hours off (issue 6): the manage and join pages decide on
// the office's clock, which comes with the appointment's answers. The appointments are booked on an
// app of the spec's own and their start moved (appointment-in-the-past.ts); the office's clock is
// the runner's, the browser's is moved with `page.clock`.
const app = appForPastAppointments();

const people = peoplePerTest();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The demo's Bürgeramt opens the waiting room ten minutes before the start (demo.installation.json). */
const JOIN_OPENS_MINUTES_BEFORE = 10;

/** Books as `citizen`, the start moved to `startsAt`; returns the appointment's id and the links of the confirmation e-mail. */
async function bookAt(
  citizen: Person,
  name: string,
  startsAt: Date,
): Promise<{ id: string; manage: string; join: string }> {
  const email = `${name.toLowerCase()}.${String(Date.now())}@example.org`;
  const { appointment } = await app.bookInThePast(citizen, { name, email, startsAt });
  let text = '';
  await expect
    .poll(async () => {
      const list = MailboxListSchema.parse(await (await citizen.request.get('/api/dev/mailbox')).json());
      const mail = list.messages.find((m) => m.to === email && m.kind === 'appointment.confirmation');
      if (!mail) return false;
      text = MailboxMessageSchema.parse(await (await citizen.request.get(`/api/dev/mailbox/${mail.id}`)).json()).text;
      return true;
    }, 'the confirmation e-mail')
    .toBe(true);
  const link = (path: string) => {
    const match = new RegExp(`${path}#[A-Za-z0-9_-]{43}`).exec(text);
    if (!match) throw new Error(`no ${path} link in the e-mail`);
    return match[0];
  };
  return { id: appointment.id, manage: link('/termin'), join: link('/termin/beitreten') };
}

/**
 * Someone whose phone's clock stands `off` milliseconds from the real time: of the spec's app, or of
 * the booking calendar's (`office`, whose clock may be moved: the phone's is off from that).
 */
async function phoneOff(browser: Parameters<typeof newPerson>[0], off: number, office?: OneDayApp): Promise<Person> {
  const person = people.add(await newPerson(browser, { baseURL: office?.url() ?? app.url() }));
  await person.page.clock.install({ time: (office?.now() ?? new Date()).getTime() + off });
  return person;
}

test('a phone whose clock is a day ahead shows an appointment still to come as to come, and one an hour behind offers the open waiting room', async ({
  browser,
}) => {
  const booker = people.add(await newPerson(browser, { baseURL: app.url() }));
  // In five minutes: the waiting room opened five minutes ago.
  const { manage } = await bookAt(booker, 'Vera', new Date(Date.now() + 5 * MINUTE));

  const ahead = await phoneOff(browser, 24 * HOUR);
  await ahead.page.goto(manage);
  await expect(mainHeading(ahead.page)).toHaveText('Ihr Termin');
  const state = ahead.page.getByTestId('appointment-state');
  await expect(state).toHaveText('Ihr Termin ist gebucht.');
  await expect(state).not.toHaveAttribute('data-over');
  await expect(ahead.page.getByRole('button', { name: 'Zum Warteraum' })).toBeVisible();
  await expect(ahead.page.getByRole('button', { name: 'Termin absagen' })).toBeVisible();
  await expectNoA11yViolations(ahead.page);

  const behind = await phoneOff(browser, -HOUR);
  await behind.page.goto(manage);
  await expect(behind.page.getByTestId('appointment-state')).toHaveText('Ihr Termin ist gebucht.');
  await expect(behind.page.getByRole('button', { name: 'Zum Warteraum' })).toBeVisible();
  await expect(behind.page.getByTestId('join-later')).toHaveCount(0);
  expectNoBrowserErrors(booker, ahead, behind);

  // Its clerk's time is free again for the join test's appointment, booked the same minutes.
  const token = manage.slice(manage.indexOf('#') + 1);
  expect((await booker.request.post('/api/appointments/cancel', { data: { token } })).status()).toBe(200);
});

test('an appointment whose time is past shows as past, also on a phone whose clock is a day behind', async ({
  browser,
}) => {
  const booker = people.add(await newPerson(browser, { baseURL: app.url() }));
  const { manage } = await bookAt(booker, 'Paul', new Date(Date.now() - 3 * HOUR));

  // A clerk has not recorded how it went yet: not "booked", and the way to a new one.
  for (const off of [0, -24 * HOUR]) {
    const citizen = await phoneOff(browser, off);
    await citizen.page.goto(manage);
    const state = citizen.page.getByTestId('appointment-state');
    await expect(state).toHaveText('Die Zeit dieses Termins ist vorbei.');
    await expect(state).toHaveAttribute('data-over', 'true');
    await expect(citizen.page.getByRole('link', { name: 'Neuen Termin buchen' })).toBeVisible();
    await expect(citizen.page.getByTestId('join-section')).toHaveCount(0);
    await expectNoA11yViolations(citizen.page);
    expectNoBrowserErrors(citizen);
  }
});

test('a citizen waiting on time reads, once the start passes on the office’s clock, that the place holds, also on a phone whose clock is an hour ahead', async ({
  browser,
}) => {
  const booker = people.add(await newPerson(browser, { baseURL: app.url() }));
  // In four minutes: the waiting room is open.
  const startsAt = new Date(Date.now() + 4 * MINUTE);
  const { id, manage, join } = await bookAt(booker, 'Lina', startsAt);

  // An hour ahead: by the phone's own clock the appointment began long ago.
  const citizen = await phoneOff(browser, HOUR);
  const { page } = citizen;
  const clockRead = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/visit');
  await page.goto(join);
  await expect(page).toHaveURL(/\/musterstadt\/buergeramt\/wait$/);
  await expect(page.getByTestId('appointment-time')).toBeVisible();
  await clockRead; // the office's clock has come: the page has decided
  const status = page.getByTestId('wait-status');
  const late = status.getByTestId('late');
  await expect(late).toHaveCount(0);

  // The start passes: the phone's clock runs on four minutes (its timers with it; the office is not
  // asked again). The note comes, without a reload, in the status that is read out politely; timed
  // by the phone's clock, it would have stood there from the start.
  await page.clock.fastForward(4 * MINUTE + 2_000);
  await expect(late).toHaveText(
    'Ihr Termin hat schon begonnen. Ihr Platz bleibt: Sie werden hereingebeten, sobald jemand frei ist.',
  );
  await expect(status).toHaveAttribute('aria-live', 'polite');
  await expectNoA11yViolations(page);
  expectNoBrowserErrors(booker, citizen);

  // Waiting for an appointment too, the header's "Amtsraum" asks before it leaves the page.
  const brand = page.getByRole('banner').getByRole('link').first();
  await expect(page.getByTestId('leave-question')).toBeAttached();
  await brand.click();
  const question = page.getByRole('dialog', { name: /^Warteraum verlassen\? Nur hier werden Sie aufgerufen\./ });
  await question.getByRole('button', { name: 'Nein, weiter warten' }).click();
  await expect(question).toHaveCount(0);
  await expect(brand).toBeFocused();
  await expect(late).toBeVisible();

  // Its clerk's time is free again: left, moved a year on (begun, it can no longer be cancelled),
  // then cancelled.
  await page.getByRole('button', { name: 'Warteraum verlassen' }).click();
  await page.getByRole('button', { name: 'Ja, verlassen' }).click();
  await expect(page.getByTestId('ended')).toBeVisible();
  await app.moveStart(id, new Date(Date.now() + 365 * 24 * HOUR));
  const token = manage.slice(manage.indexOf('#') + 1);
  expect((await booker.request.post('/api/appointments/cancel', { data: { token } })).status()).toBe(200);
});

test('the join page on a phone whose clock is behind goes on into the waiting room by itself when the office opens it', async ({
  browser,
}) => {
  const booker = people.add(await newPerson(browser, { baseURL: app.url() }));
  // The waiting room opens in ten minutes on the office's clock: shut however long the booking takes.
  const startsAt = new Date(Date.now() + (10 + JOIN_OPENS_MINUTES_BEFORE) * MINUTE);
  const { id, join } = await bookAt(booker, 'Jan', startsAt);

  // Three hours behind: by the phone's own clock the door would open hours from now.
  const citizen = await phoneOff(browser, -3 * HOUR);
  await citizen.page.goto(join);
  await expect(citizen.page.getByTestId('join-not-open')).toBeVisible();
  await expect(citizen.page.getByTestId('join-opens')).toBeVisible();

  // Ten minutes pass, for both: the appointment comes that much nearer on the office's side (its
  // start moved), the phone's clock runs that much on. The page, timed by the office's clock, goes
  // on by itself, without a click; timed by its own, it would wait three hours more.
  const passing = 10 * MINUTE + 2_000;
  await app.moveStart(id, new Date(startsAt.getTime() - passing));
  await citizen.page.clock.fastForward(passing);
  await expect(citizen.page).toHaveURL(/\/musterstadt\/buergeramt\/wait$/, { timeout: 15_000 });
});

// The booking calendar: Testhausen's Terminbüro, bookable around the clock with no notice
// (tests/e2e/installation.e2e.json), so today has free times until shortly before midnight. On an
// app of its own whose day does not end during the tests (late in the evening its clock is moved
// past midnight, one-day-app.ts): they never wait for the day to turn.
const BOOKING_PAGE = '/testhausen/termine/termin';

/** Step 1 → step 2 with the only service; the calendar's times are there. */
async function toSlots(citizen: Person): Promise<void> {
  const { page } = citizen;
  await page.goto(BOOKING_PAGE);
  await expect(page.getByTestId('step-heading')).toHaveText('Schritt 1 von 3: Leistung wählen');
  await page.getByRole('button', { name: 'Weiter' }).click();
  await expect(page.getByTestId('step-heading')).toHaveText('Schritt 2 von 3: Termin wählen');
  await expect(page.getByTestId('slot-list')).toBeVisible();
}

/** "Mo., 7. Dez.", as the calendar names a day (the browser's own words for it). */
function shortDay(citizen: Person, date: string): Promise<string> {
  return citizen.page.evaluate(
    (day) =>
      new Intl.DateTimeFormat('de-DE', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(
        new Date(`${day}T00:00:00Z`),
      ),
    date,
  );
}

test.describe('the booking calendars, the citizen’s and the clerk’s', () => {
  const office = appOfOneBerlinDay(TODAY_SLOT_MARGIN);

  test('a phone whose clock is a day ahead still shows today’s free times first, and books one', async ({
    browser,
  }) => {
    const citizen = await phoneOff(browser, 24 * 3_600_000, office);
    const { page } = citizen;
    await toSlots(citizen);
    const today = berlinDay(office.now());
    // The week starts today on the office's calendar, not tomorrow by the phone's; today is chosen.
    await expect(page.getByTestId('slot-range')).toHaveText(new RegExp(`^${await shortDay(citizen, today)} bis `));
    const todays = page.getByTestId('slot-list').getByRole('button');
    // Today's last free time: the first ones stay for the specs that join within the hour.
    const slot = todays.last();
    const startsAt = (await slot.getAttribute('data-starts-at')) ?? '';
    expect(berlinDay(new Date(startsAt)), 'the time offered first is today’s').toBe(today);
    await expectNoA11yViolations(page);

    await slot.click();
    await expect(page.getByTestId('step-heading')).toHaveText('Schritt 3 von 3: Ihre Angaben');
    const form = page.getByRole('form', { name: 'Ihre Angaben' });
    await form.getByRole('textbox', { name: 'Name' }).fill('Vorne Uhr');
    await form.getByRole('textbox', { name: 'E-Mail-Adresse' }).fill(`vorne.${String(Date.now())}@example.org`);
    await form.getByRole('checkbox', { name: /Datenschutzhinweise/ }).check();
    await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
    await expect(mainHeading(page)).toHaveText('Ihr Termin ist gebucht');
    const left = await citizen.request.get(
      `/api/tenants/testhausen/departments/termine/slots?services=beratung&persons=1&from=${today}&days=1`,
    );
    const free = SlotsResponseSchema.parse(await left.json()).days.flatMap((day) => day.slots.map((s) => s.startsAt));
    expect(free).not.toContain(startsAt);
    expectNoBrowserErrors(citizen);
  });

  test('a phone whose clock is a day behind does not take yesterday for today in the calendar', async ({ browser }) => {
    const citizen = await phoneOff(browser, -24 * 3_600_000, office);
    const { page } = citizen;
    await toSlots(citizen);
    const today = berlinDay(office.now());
    const range = page.getByTestId('slot-range');
    await expect(range).toHaveText(new RegExp(`^${await shortDay(citizen, today)} bis `));
    const days = page.getByRole('list', { name: 'Tag wählen' }).getByRole('listitem');
    await expect(days.first()).toContainText(await shortDay(citizen, today));
    // A week on and back again: the week still starts today, not yesterday.
    await page.getByRole('button', { name: 'Spätere Woche' }).click();
    await expect(range).not.toHaveText(new RegExp(`^${await shortDay(citizen, today)} bis `));
    await page.getByRole('button', { name: 'Frühere Woche' }).click();
    await expect(range).toHaveText(new RegExp(`^${await shortDay(citizen, today)} bis `));
    await expect(page.getByRole('button', { name: 'Frühere Woche' })).toHaveAttribute('aria-disabled', 'true');
    await expectNoA11yViolations(page);
    expectNoBrowserErrors(citizen);
  });

  test('the clerk’s console on a computer whose clock is a day ahead or behind shows the office’s today, and the calendar of a move starts there', async ({
    browser,
  }) => {
    for (const [off, name] of [
      [24 * 3_600_000, 'Vorne'],
      [-24 * 3_600_000, 'Hinten'],
    ] as const) {
      const clerk = await phoneOff(browser, off, office);
      const me = await signInAsStaff(clerk, 'clara.klein@testhausen.example', TESTHAUSEN_PASSWORD);
      const departmentId = me.staff.departments.find((d) => d.tenantSlug === 'testhausen' && d.slug === 'termine')?.id;
      if (!departmentId) throw new Error('Clara is no member of the Terminbüro');
      // Booked for a caller for today's last free time: the first ones stay for the specs that join
      // within the hour.
      const today = berlinDay(office.now());
      const free = await clerk.request.get(
        `/api/tenants/testhausen/departments/termine/slots?services=beratung&persons=1&from=${today}&days=1`,
      );
      const startsAt = SlotsResponseSchema.parse(await free.json())
        .days.flatMap((day) => day.slots)
        .at(-1)?.startsAt;
      if (!startsAt) throw new Error('no free time left today');
      const caller = `Uhr ${name} ${String(Date.now())}`;
      const booked = await clerk.request.post(`/api/staff/departments/${departmentId}/appointments`, {
        data: { services: ['beratung'], persons: 1, startsAt, name: caller, language: 'de' },
      });
      expect(booked.status()).toBe(201);
      const { appointment } = StaffAppointmentResponseSchema.parse(await booked.json());

      const { page } = clerk;
      await page.goto(`/staff/${departmentId}`);
      const panel = page.getByTestId('appointments-panel');
      // Today is the office's: today's appointments are listed, not those of the clerk's tomorrow or yesterday.
      const day = await page.evaluate(
        (date) =>
          new Intl.DateTimeFormat('de-DE', {
            timeZone: 'UTC',
            weekday: 'long',
            day: 'numeric',
            month: 'long',
            year: 'numeric',
          }).format(new Date(`${date}T00:00:00Z`)),
        today,
      );
      await expect(panel.getByTestId('appointments-day')).toHaveText(`Heute, ${day}`);
      const row = panel.getByTestId('appointments').getByRole('row', { name: new RegExp(caller) });
      await row.getByRole('button', { name: `Termin von ${caller} verschieben` }).click();
      const move = panel.getByTestId('move');
      await expect(move.getByRole('heading', { level: 3 })).toBeFocused();
      // The calendar starts today, and no earlier: not a day later, nor with yesterday a week back.
      await expect(move.getByTestId('slot-range')).toHaveText(new RegExp(`^${await shortDay(clerk, today)} bis `));
      await expect(move.getByRole('list', { name: 'Tag wählen' }).getByRole('listitem').first()).toContainText(
        await shortDay(clerk, today),
      );
      await expect(move.getByRole('button', { name: 'Frühere Woche' })).toHaveAttribute('aria-disabled', 'true');
      await expectNoA11yViolations(page);
      await move.getByRole('button', { name: 'Schließen' }).click();

      // Its time is free again for the next part and the other specs.
      const cancelled = await clerk.request.post(
        `/api/staff/departments/${departmentId}/appointments/${appointment.id}/cancel`,
        { data: {} },
      );
      expect(cancelled.status()).toBe(200);
      expectNoBrowserErrors(clerk);
    }
  });
});
