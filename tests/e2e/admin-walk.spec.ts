import type { Locator, Page } from '@playwright/test';
import { totpCode, totpStep } from '../../server/src/lib/totp.js';
import { startTestProvider, type TestProvider } from '../../server/src/test/oidc-provider.js';
import { expect, expectNoA11yViolations, mainHeading, switchLanguage, test } from './fixtures';
import { ADMINS, peoplePerTest, signInAsAdmin, type Person } from './support';

// Issue 15, "How it will be checked", as one walk through the screens: a new municipality set up
// from scratch as its IT staff would. Ines (installation admin) creates Walkstadt with its first
// admin, who sets a password from the invitation, sets up an authenticator, creates a department
// with two services, today's hours and a holiday, and invites two clerks who give themselves
// passwords; they get weekly hours; a citizen books; an availability change collides with the
// booking and the admin moves it (the citizen gets the mail); a clerk signed in elsewhere is
// deactivated and their console says so at once; a clerk signs in through a real OpenID provider.
// Each walk founds a Walkstadt of its own (address and e-mail addresses with a mark of the walk),
// so it runs again on the same database, as `--repeat-each` does; nothing is tidied.

/** A new Walkstadt's address for each walk: its people are new too on a database that has seen walks before. */
function newWalkstadt(): string {
  return `walkstadt-${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
}
const DEPARTMENT = 'buergerbuero';
const ZONE = 'Europe/Berlin';
const PASSWORD = 'ein langer Satz für Walkstadt';

const people = peoplePerTest();

/** The Walkstadt date (YYYY-MM-DD) of an instant, and its weekday as the admin pages name it. */
function walkDate(at: Date) {
  return {
    date: new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(at),
    weekday: new Intl.DateTimeFormat('de-DE', { timeZone: ZONE, weekday: 'long' }).format(at),
  };
}

/** The Monday (YYYY-MM-DD) of the week of a civil date: the availability page shows weeks from Monday. */
function mondayOf(date: string): string {
  const day = new Date(`${date}T12:00:00Z`);
  const back = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A first visit to one of our pages: axe-core. The pages the other admin specs already check at
 * 320 px are checked at desktop width only, to keep this walk short; `narrow` adds 320 px.
 */
async function checkPage(page: Page, options: { narrow?: boolean } = {}): Promise<void> {
  await expect(page.getByTestId('loading')).toHaveCount(0);
  await expectNoA11yViolations(page);
  if (!options.narrow) return;
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoA11yViolations(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `sideways scrolling at 320 px on ${page.url()}`).toBeLessThanOrEqual(0);
  if (size) await page.setViewportSize(size);
}

/** The link of a mail in the dev mailbox page, opened as its recipient would. */
async function mailLink(page: Page, to: string, kind: string, href: string): Promise<string> {
  await page.goto('/dev/mailbox');
  const row = page.getByTestId('mailbox-entry').filter({ hasText: to }).filter({ hasText: kind });
  // The outbox sends on its own schedule: the page's "reload" button asks again.
  await expect(async () => {
    await page.getByRole('button', { name: 'Neu laden' }).click();
    await expect(row).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await row.getByRole('link').click();
  await expect(page.getByTestId('message-to')).toHaveText(to);
  const link = page.getByTestId('message-text').locator(`a[href*="${href}"]`);
  await expect(link).toHaveCount(1);
  return (await link.getAttribute('href'))!;
}

/** Sets a password on the invitation's page; the person is then signed in on their staff page. */
async function setPassword(person: Person, inviteUrl: string): Promise<void> {
  await person.page.goto(inviteUrl);
  const form = person.page.getByRole('form', { name: 'Passwort festlegen' });
  await form.getByLabel('Neues Passwort', { exact: true }).fill(PASSWORD);
  await form.getByLabel('Neues Passwort wiederholen').fill(PASSWORD);
  await form.getByRole('button', { name: 'Passwort speichern und anmelden' }).click();
  await expect(person.page).toHaveURL(/\/staff$/, { timeout: 15_000 });
  await expect(mainHeading(person.page)).toHaveText('Ihre Ämter');
}

/** Fills a form field of the admin pages and leaves nothing else changed. */
async function fill(scope: Page | Locator, label: string | RegExp, value: string): Promise<void> {
  await scope.getByLabel(label, { exact: typeof label === 'string' }).fill(value);
}

test('a new municipality is set up from scratch in the browser, as its IT staff would', async ({
  browser,
  baseURL,
}) => {
  // A whole municipality's first day: many pages, each checked with axe at two widths.
  test.setTimeout(240_000);
  // One clock reading for the whole walk: a run across midnight still means the same days.
  const now = Date.now();
  const tenant = newWalkstadt();
  const today = walkDate(new Date(now));
  const holiday = walkDate(new Date(now + 2 * 86_400_000));
  const admin = { name: 'Wanda Walk', email: `wanda.walk@${tenant}.example` };
  const clerks = [
    { name: 'Karl Klug', email: `karl.klug@${tenant}.example` },
    { name: 'Berta Bach', email: `berta.bach@${tenant}.example` },
  ] as const;

  // -- Ines creates the municipality with its first admin -----------------------------------------
  const ines = await people.open(browser);
  await signInAsAdmin(ines, ADMINS.ines);
  await ines.page.goto('/admin/installation');
  // The first page of the run: the admin chunk may take a while on busy cores.
  await expect(mainHeading(ines.page)).toHaveText('Kommunen der Installation', { timeout: 20_000 });
  const create = ines.page.getByRole('form', { name: 'Neue Kommune anlegen' });
  await fill(create, 'Adresse (Kurzname)', tenant);
  await fill(create, 'Name der Kommune', 'Stadt Walkstadt');
  await create.getByLabel('Bundesland (für die Feiertage)').selectOption('NI');
  await fill(create, 'Name der ersten Verwaltungsperson', admin.name);
  await fill(create, /^E-Mail-Adresse der ersten Verwaltungsperson/, admin.email);
  await create.getByRole('button', { name: 'Kommune anlegen' }).click();
  await expect(create.getByRole('status')).toHaveText(
    `Stadt Walkstadt ist angelegt; die Einladung an ${admin.email} ist unterwegs.`,
  );
  await expect(ines.page.getByTestId(`municipality-${tenant}`)).toContainText(`/${tenant}`);
  await expect(ines.page.getByTestId(`municipality-${tenant}`)).toContainText('Niedersachsen');

  // -- The first admin: password from the mail, authenticator, administration ----------------------
  const wanda = await people.open(browser);
  const page = wanda.page;
  await setPassword(wanda, await mailLink(page, admin.email, 'staff.invite', '/staff/password#'));
  await page.getByTestId('staff-admin-link').getByRole('link', { name: 'Verwaltung' }).click();
  await expect(mainHeading(page)).toHaveText('Verwaltung');
  // No authenticator yet: the administration leads her to set one up instead of asking for a code.
  const hint = page.getByTestId('admin-second-factor-hint');
  await expect(hint).toContainText('Richten Sie zuerst eine Authenticator-App ein.');
  await expect(hint).not.toContainText('Code');
  await hint.getByRole('link', { name: 'Authenticator-App einrichten' }).click();
  await expect(mainHeading(page)).toHaveText('Sicherheit Ihres Zugangs');
  await page.getByLabel('Ihr Passwort').fill(PASSWORD);
  await page.getByRole('button', { name: 'Authenticator-App einrichten' }).click();
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
  await page.getByLabel('Code aus der Authenticator-App').fill(totpCode(secret, totpStep(new Date())));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('second-factor-status')).toHaveText(
    'Authenticator-App eingerichtet. Diese Anmeldung ist bestätigt.',
  );
  await page.getByTestId('second-factor-done').getByRole('link').click();
  await expect(mainHeading(page)).toHaveText('Verwaltung');
  await expect(page.getByTestId('admin-second-factor-hint')).toHaveCount(0);
  await page.getByTestId('admin-home-tenant').getByRole('link').click();
  await expect(mainHeading(page)).toHaveText('Verwaltung: Stadt Walkstadt');
  await checkPage(page);

  // A holiday of the municipality, the day after tomorrow: no appointments that day.
  const closures = page.getByRole('region', { name: 'Feiertage und Schließtage der Kommune' });
  await fill(closures, 'Erster Tag', holiday.date);
  await fill(closures, 'Grund auf Deutsch (wird Bürgerinnen und Bürgern gezeigt)', 'Stadtfest');
  await closures.getByRole('button', { name: 'Eintragen' }).click();
  await expect(closures.getByTestId('closure-saved')).toHaveText('Schließtag eingetragen.');
  await expect(closures.getByText('Stadtfest')).toBeVisible();

  // A department; its page opens once created.
  const newDepartment = page.getByRole('form', { name: 'Neues Amt anlegen' });
  await fill(newDepartment, 'Adresse (Teil der Internetadresse)', DEPARTMENT);
  await fill(newDepartment, 'Name (Deutsch)', 'Bürgerbüro');
  await fill(newDepartment, 'Beschreibung (Deutsch)', 'Meldewesen und Ausweise');
  await newDepartment.getByRole('button', { name: 'Amt anlegen' }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/${tenant}/departments/${DEPARTMENT}$`));
  await expect(mainHeading(page)).toHaveText('Bürgerbüro');
  await checkPage(page);

  // Today's hours: the whole day, so the door follows them whenever this runs.
  const hours = page.getByTestId('hours-editor');
  await hours.getByRole('button', { name: `Zeitraum am ${today.weekday} hinzufügen` }).click();
  const todayHours = hours.getByRole('group', { name: today.weekday });
  await todayHours.getByLabel('Von (Zeitraum 1)').fill('00:00');
  await todayHours.getByLabel('Bis (Zeitraum 1)').fill('23:59');
  await hours.getByRole('button', { name: 'Öffnungszeiten speichern' }).click();
  await expect(page.getByTestId('hours-saved')).toHaveText('Gespeichert.');

  // Two services.
  await page.getByRole('link', { name: 'Leistungen', exact: true }).click();
  await expect(mainHeading(page)).toHaveText('Leistungen');
  await checkPage(page);
  for (const service of [
    { name: 'Ummeldung', slug: 'ummeldung', minutes: '15' },
    { name: 'Personalausweis beantragen', slug: 'personalausweis-beantragen', minutes: '20' },
  ]) {
    await page.getByRole('button', { name: 'Leistung hinzufügen' }).click();
    const form = page.getByTestId('service-form');
    await form.getByRole('textbox', { name: 'Name (Deutsch)' }).fill(service.name);
    await expect(form.getByRole('textbox', { name: 'Adresse (Kurzname)' })).toHaveValue(service.slug);
    await form.getByRole('spinbutton', { name: 'Dauer in Minuten' }).fill(service.minutes);
    await form.getByRole('button', { name: 'Speichern' }).click();
    await expect(page.getByTestId(`admin-service-${service.slug}`)).toContainText(service.name);
  }

  // Two clerks, invited from the staff page; each sets a password from the mail.
  await page.goto(`/admin/${tenant}`);
  await page.getByRole('link', { name: 'Mitarbeitende', exact: true }).click();
  await expect(mainHeading(page)).toHaveText('Mitarbeitende der Kommune');
  await checkPage(page);
  const invite = page.getByRole('form', { name: 'Neue Person einladen' });
  for (const clerk of clerks) {
    await invite.getByRole('textbox', { name: 'Name' }).fill(clerk.name);
    await invite.getByRole('textbox', { name: 'Dienstliche E-Mail-Adresse' }).fill(clerk.email);
    await invite.getByRole('combobox', { name: 'Bürgerbüro' }).selectOption('clerk');
    await invite.getByRole('button', { name: 'Einladung senden' }).click();
    await expect(page.getByTestId('staff-notice')).toContainText(clerk.email);
    await expect(page.getByTestId(`staff-member-${clerk.email}`).getByTestId('staff-status')).toHaveText('eingeladen');
  }
  const clerkPeople: Person[] = [];
  for (const clerk of clerks) {
    const person = await people.open(browser);
    await setPassword(person, await mailLink(person.page, clerk.email, 'staff.invite', '/staff/password#'));
    await expect(person.page.getByTestId(`staff-department-${DEPARTMENT}`)).toContainText('Sachbearbeitung');
    clerkPeople.push(person);
  }

  // Their weekly hours: every day, 08:00 to 18:00.
  await page.goto(`/admin/${tenant}/departments/${DEPARTMENT}`);
  await page.getByRole('link', { name: 'Verfügbarkeit und Buchungsregeln' }).click();
  await expect(mainHeading(page)).toHaveText('Verfügbarkeit und Buchungsregeln');
  await checkPage(page);
  const weekdays = ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'];
  for (const clerk of clerks) {
    const panel = page.getByRole('article', { name: clerk.name });
    for (const weekday of weekdays) await panel.getByLabel(weekday, { exact: true }).fill('08:00-18:00');
    await panel.getByRole('button', { name: `Zeiten speichern (${clerk.name})` }).click();
    await expect(panel.getByTestId('change-done')).toContainText('Gespeichert.');
  }

  // -- A citizen books on the booking page ----------------------------------------------------------
  const citizen = await people.open(browser);
  const citizenEmail = `erika.walk.${Date.now().toString(36)}@example.org`;
  await citizen.page.goto(`/${tenant}/${DEPARTMENT}`);
  await expect(mainHeading(citizen.page)).toHaveText('Bürgerbüro');
  // Open by today's hours, though nobody is on duty yet.
  await expect(citizen.page.getByTestId('door-status')).toHaveAttribute('data-state', 'open');
  await checkPage(citizen.page);
  await citizen.page.getByTestId('booking-offer').getByRole('link', { name: 'Videotermin buchen' }).click();
  await expect(mainHeading(citizen.page)).toHaveText('Videotermin buchen');
  await citizen.page.getByRole('checkbox', { name: 'Ummeldung' }).check();
  await citizen.page.getByRole('button', { name: 'Weiter' }).click();
  await expect(citizen.page.getByTestId('step-heading')).toHaveText('Schritt 2 von 3: Termin wählen');
  // The week starts today: the holiday, two days on, is closed.
  const days = citizen.page.getByRole('list', { name: 'Tag wählen' }).getByRole('button');
  await expect(days.nth(2).getByTestId('day-status')).toHaveAttribute('data-status', 'closed');
  // … with its reason, in words a screen reader reads with the day, and under the day's heading.
  await expect(days.nth(2)).toHaveAccessibleName(/geschlossen\s*Stadtfest$/);
  await days.nth(2).click();
  await expect(citizen.page.getByText('Grund: Stadtfest')).toBeVisible();
  // In English: written in German only, the reason is shown in German and marked so.
  await switchLanguage(citizen.page, 'en');
  await expect(citizen.page.getByText('Reason: Stadtfest')).toBeVisible();
  await expect(citizen.page.getByTestId('day-reason').first()).toHaveAttribute('lang', 'de');
  await switchLanguage(citizen.page, 'de');
  await checkPage(citizen.page);
  await days.nth(1).click();
  const slot = citizen.page.getByTestId('slot-list').getByRole('button').first();
  const startsAt = (await slot.getAttribute('data-starts-at'))!;
  await slot.click();
  const details = citizen.page.getByRole('form', { name: 'Ihre Angaben' });
  await details.getByRole('textbox', { name: 'Name' }).fill('Erika Walk');
  await details.getByRole('textbox', { name: 'E-Mail-Adresse' }).fill(citizenEmail);
  await details.getByRole('checkbox', { name: /Datenschutzhinweise/ }).check();
  await citizen.page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  await expect(mainHeading(citizen.page)).toHaveText('Ihr Termin ist gebucht');

  // -- The admin sees it in the week, changes that clerk's hours, and moves it-----------------------
  const bookedOn = walkDate(new Date(startsAt));
  await page.reload();
  if (mondayOf(bookedOn.date) !== mondayOf(today.date)) {
    await page.getByRole('button', { name: 'Nächste Woche' }).click();
  }
  const bookedRow = page.getByTestId(`week-${bookedOn.date}`).getByRole('row').filter({ hasText: 'Erika Walk' });
  await expect(bookedRow).toHaveCount(1);
  await expect(bookedRow).toContainText('Ummeldung');
  const holder = (await bookedRow.getByRole('rowheader').innerText()).trim();
  const holderIndex = clerks.findIndex((clerk) => clerk.name === holder);
  expect(holderIndex, `the booking's clerk, ${holder}, is one of Walkstadt's`).toBeGreaterThanOrEqual(0);
  const holderPanel = page.getByRole('article', { name: holder });
  await holderPanel.getByLabel(bookedOn.weekday, { exact: true }).fill('');
  await holderPanel.getByRole('button', { name: `Zeiten speichern (${holder})` }).click();
  const collisions = holderPanel.getByTestId('collisions');
  await expect(collisions).toContainText('Diese Änderung trifft einen gebuchten Termin');
  const collision = collisions.getByRole('group').filter({ hasText: 'Erika Walk' });
  await expect(collision).toContainText('Ummeldung');
  await expectNoA11yViolations(page);
  // Moved to the next free slot: the same time with the other clerk, so the citizen keeps the day.
  await collision.getByRole('radio', { name: 'Verlegen' }).check();
  await holderPanel.getByRole('button', { name: 'Änderung mit diesen Entscheidungen speichern' }).click();
  await expect(holderPanel.getByTestId('change-done')).toContainText('Verlegt: 1, abgesagt: 0');
  const otherClerk = clerks.find((clerk) => clerk.name !== holder)!;
  await expect(
    page.getByTestId(`week-${bookedOn.date}`).getByRole('row').filter({ hasText: 'Erika Walk' }).getByRole('rowheader'),
  ).toHaveText(otherClerk.name);

  // The citizen's mail says so.
  await citizen.page.goto('/dev/mailbox');
  const moved = citizen.page
    .getByTestId('mailbox-entry')
    .filter({ hasText: citizenEmail })
    .filter({ hasText: 'appointment.moved' });
  await expect(async () => {
    await citizen.page.getByRole('button', { name: 'Neu laden' }).click();
    await expect(moved).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });

  // -- The clerk whose hours changed is deactivated while their console is open ---------------------
  const clerk = clerkPeople[holderIndex]!;
  await clerk.page
    .getByTestId(`staff-department-${DEPARTMENT}`)
    .getByRole('link', { name: 'Bürgerbüro', exact: true })
    .click();
  await expect(mainHeading(clerk.page)).toHaveText('Bürgerbüro');
  await expect(clerk.page.getByTestId('queue-empty')).toBeVisible();
  await page.goto(`/admin/${tenant}/staff`);
  const card = page.getByTestId(`staff-member-${clerks[holderIndex]!.email}`);
  await expect(card.getByTestId('staff-status')).toHaveText('aktiv');
  page.once('dialog', (dialog) => void dialog.accept());
  await card.getByRole('button', { name: `${holder} deaktivieren` }).click();
  await expect(card.getByTestId('staff-status')).toHaveText('deaktiviert');
  // At once, in place: the live connection ends with the session, no reload, no next click needed.
  const ended = clerk.page.getByTestId('session-ended');
  await expect(ended).toContainText('die Verwaltung hat Ihr Konto deaktiviert');
  await expect(mainHeading(clerk.page)).toHaveText('Sie sind abgemeldet');
  await expect(clerk.page.getByTestId('queue-empty')).toHaveCount(0);
  await checkPage(clerk.page, { narrow: true });
  await clerk.page.getByRole('link', { name: 'Wieder anmelden' }).click();
  await expect(mainHeading(clerk.page)).toHaveText('Anmeldung für Mitarbeitende');

  // -- Sign-in through the municipality's OpenID provider ---------------------------------------------
  let provider: TestProvider | null = null;
  people.tidyWith(async () => {
    await provider?.stop();
  });
  provider = await startTestProvider({ redirectUris: [`${baseURL!}/api/auth/oidc/${tenant}/callback`] });
  provider.accounts.set('olga', {
    email: `olga.oidc@${tenant}.example`,
    email_verified: true,
    name: 'Olga Oidc',
    groups: ['walkstadt-buergerbuero'],
  });
  // Through the API: the identity provider's settings screen is being built beside this walk.
  const configured = await wanda.request.put(`/api/admin/tenants/${tenant}/identity-provider`, {
    data: {
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      label: { de: 'Walkstadt-Konto', en: 'Walkstadt account' },
      scopes: 'openid email profile groups',
      roleClaim: 'groups',
      roleMapping: [{ value: 'walkstadt-buergerbuero', department: DEPARTMENT, role: 'clerk' }],
      provisionAccounts: true,
    },
    headers: { 'X-Forwarded-For': wanda.address },
  });
  expect(configured.status(), await configured.text()).toBe(200);

  const olga = await people.open(browser);
  await olga.page.goto(`/staff/login?tenant=${tenant}`);
  await checkPage(olga.page);
  await olga.page.getByTestId('oidc-sign-in').click();
  // The provider's own pages (oidc-provider's development login and consent) stand in for the
  // town hall's sign-in form.
  await expect(olga.page).toHaveURL((url) => url.origin === provider!.issuer);
  await olga.page.getByPlaceholder('Enter any login').fill('olga');
  await olga.page.getByPlaceholder('and password').fill('any');
  await olga.page.getByRole('button', { name: 'Sign-in' }).click();
  await olga.page.getByRole('button', { name: 'Continue' }).click();
  await expect(olga.page).toHaveURL(/\/staff$/, { timeout: 15_000 });
  await expect(mainHeading(olga.page)).toHaveText('Ihre Ämter');
  await expect(olga.page.getByText('Angemeldet als Olga Oidc')).toBeVisible();
  await expect(olga.page.getByTestId(`staff-department-${DEPARTMENT}`)).toContainText('Sachbearbeitung');

  // Chromium logs the 409 that brought the collision list, and the deactivated clerk's refused
  // requests; nothing else may have gone wrong anywhere.
  expect(wanda.errors.filter((error) => !/status of 409/.test(error))).toEqual([]);
  expect(clerk.errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
  // The provider's development pages are not ours: they load a web font from the internet (which
  // CI has not) and ask for a favicon they lack.
  const providerOrigin = provider.issuer;
  expect(
    olga.errors.filter((error) => !/fonts\.googleapis\.com/.test(error) && !error.includes(providerOrigin)),
  ).toEqual([]);
  for (const person of [ines, citizen, ...clerkPeople.filter((p) => p !== clerk)]) {
    expect(person.errors).toEqual([]);
  }
});
