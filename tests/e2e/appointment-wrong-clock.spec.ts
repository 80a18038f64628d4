import { MailboxListSchema, MailboxMessageSchema } from '@amtsraum/shared';
import { appForPastAppointments } from './appointment-in-the-past';
import { expect, expectNoA11yViolations, mainHeading, test } from './fixtures';
import { expectNoBrowserErrors, newPerson, peoplePerTest, type Person } from './support';

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

/** Someone of the spec's app whose phone's clock stands `off` milliseconds from the real time. */
async function phoneOff(browser: Parameters<typeof newPerson>[0], off: number): Promise<Person> {
  const person = people.add(await newPerson(browser, { baseURL: app.url() }));
  await person.page.clock.install({ time: Date.now() + off });
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
