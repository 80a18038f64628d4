import { AdminDepartmentSchema } from '@amtsraum/shared';
import { expect, expectNoA11yViolations, mainHeading, switchLanguage, test } from './fixtures';
import { ADMINS, peoplePerTest, signInAsAdmin, tabTo } from './support';

const TENANT = 'testhausen';
const DEPARTMENT = 'termine';
const ADMIN_API = `/api/admin/tenants/${TENANT}/departments/${DEPARTMENT}`;
const ZONE = 'Europe/Berlin';

const people = peoplePerTest();

/** Today in Testhausen: the date (YYYY-MM-DD) and the weekday as the hours editor names it. */
function today() {
  const now = new Date();
  return {
    date: new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(now),
    weekday: new Intl.DateTimeFormat('de-DE', { timeZone: ZONE, weekday: 'long' }).format(now),
  };
}

test('an admin changes the hours and adds a closure in the browser; the door page follows live', async ({
  page,
  browser,
}) => {
  // Six axe-core runs and a keyboard walk through the forms.
  test.setTimeout(110_000);
  const admin = await people.open(browser);
  const me = await signInAsAdmin(admin, ADMINS.amelie);
  const departmentId = me.staff.departments.find((d) => d.slug === DEPARTMENT)!.id;
  const headers = { 'X-Forwarded-For': admin.address };
  // The door follows its hours (another spec may have opened it by hand today).
  expect(
    (
      await admin.request.put(`/api/staff/departments/${departmentId}/door`, { data: { state: 'auto' }, headers })
    ).status(),
  ).toBe(200);
  const original = AdminDepartmentSchema.parse(await (await admin.request.get(ADMIN_API, { headers })).json());
  people.tidyWith(async () => {
    // Back as the other specs expect it: the hours as seeded, no closure of this test.
    await admin.request.patch(ADMIN_API, { data: { openingHours: original.openingHours }, headers });
    const listed = (await (await admin.request.get(`${ADMIN_API}/closures`, { headers })).json()) as {
      closures: { id: string }[];
    };
    for (const closure of listed.closures) {
      await admin.request.delete(`${ADMIN_API}/closures/${closure.id}`, { headers });
    }
  });
  const { date, weekday } = today();

  // The citizen's door page, open beside the admin's, never reloaded.
  await page.goto(`/${TENANT}/${DEPARTMENT}`);
  const door = page.getByTestId('door-status');
  await expect(door).toHaveAttribute('data-state', 'open');
  // Its details follow too: read again up to 3 s after the door's message says they changed.
  const todaysHours = page.getByTestId('opening-hours').locator('tr[aria-current="date"] td');
  const followed = { timeout: 10_000 };
  // A mark on this document: a reload would lose it.
  await page.evaluate(() => document.documentElement.setAttribute('data-opened-once', ''));

  // The admin finds the department from the staff home page, through the admin pages.
  await admin.page.goto('/staff');
  await admin.page.getByTestId('staff-admin-link').getByRole('link').click();
  await expect(mainHeading(admin.page)).toHaveText('Verwaltung');
  await expectNoA11yViolations(admin.page);
  await admin.page.getByTestId('admin-home-tenant').getByRole('link').click();
  await expect(mainHeading(admin.page)).toHaveText('Verwaltung: Gemeinde Testhausen');
  await expectNoA11yViolations(admin.page);
  await admin.page.getByTestId('admin-departments').getByRole('link').first().click();
  await expect(admin.page).toHaveURL(new RegExp(`/admin/${TENANT}/departments/${DEPARTMENT}$`));
  await expect(admin.page.getByTestId('hours-editor')).toBeVisible();
  await expectNoA11yViolations(admin.page);

  // Today without hours: the door closes on the citizen's page.
  const hours = admin.page.getByTestId('hours-editor');
  const removeToday = hours.getByRole('button', { name: `Zeitraum 1 am ${weekday} entfernen` });
  await tabTo(admin.page, removeToday);
  await admin.page.keyboard.press('Enter');
  // The removed range's button is gone: the focus is on the day's "add", not the page's start.
  await expect(hours.getByRole('button', { name: `Zeitraum am ${weekday} hinzufügen` })).toBeFocused();
  const save = hours.getByRole('button', { name: 'Öffnungszeiten speichern' });
  await tabTo(admin.page, save);
  await admin.page.keyboard.press('Enter');
  await expect(admin.page.getByTestId('hours-saved')).toHaveText('Gespeichert.');
  await expect(door).toHaveAttribute('data-state', 'closed');
  await expect(todaysHours).toHaveText('geschlossen', followed);

  // Back to the whole day, by keyboard: add a range, type its times, save.
  const add = hours.getByRole('button', { name: `Zeitraum am ${weekday} hinzufügen` });
  await tabTo(admin.page, add);
  await admin.page.keyboard.press('Enter');
  // The new range takes the focus at its first time; Tab reaches the second (a time input is a
  // stop per part, hours and minutes).
  const day = hours.getByRole('group', { name: weekday });
  const pressUntil = async (key: string, target: ReturnType<typeof day.getByLabel>) => {
    for (let i = 0; i < 4 && !(await target.evaluate((el) => el === document.activeElement)); i++) {
      await admin.page.keyboard.press(key);
    }
    await expect(target).toBeFocused();
  };
  await expect(day.getByLabel('Von (Zeitraum 1)')).toBeFocused();
  await day.getByLabel('Von (Zeitraum 1)').fill('00:00');
  await pressUntil('Tab', day.getByLabel('Bis (Zeitraum 1)'));
  await day.getByLabel('Bis (Zeitraum 1)').fill('23:59');
  // A second range inside the first is named at its start once the admin leaves it, before
  // anything is sent; saving sends nothing while it stands, and an emptied time is named as typed.
  await hours.getByRole('button', { name: `Zeitraum am ${weekday} hinzufügen` }).click();
  const secondFrom = day.getByLabel('Von (Zeitraum 2)');
  await expect(secondFrom).toBeFocused();
  await secondFrom.fill('10:00');
  await day.getByLabel('Bis (Zeitraum 2)').fill('11:00');
  await expect(secondFrom).toHaveAttribute('aria-invalid', 'true');
  await expect(secondFrom).toHaveAccessibleDescription(
    'Dieser Zeitraum überschneidet sich mit Zeitraum 1 desselben Tages.',
  );
  await tabTo(admin.page, save);
  await admin.page.keyboard.press('Enter');
  await expect(
    hours.getByRole('link', { name: 'Dieser Zeitraum überschneidet sich mit Zeitraum 1 desselben Tages.' }),
  ).toBeVisible();
  await expect(admin.page.getByTestId('hours-saved')).toHaveText('');
  await day.getByLabel('Bis (Zeitraum 2)').fill('');
  await expect(day.getByLabel('Bis (Zeitraum 2)')).toHaveAccessibleDescription(
    'Bitte eine Uhrzeit eingeben (Stunden und Minuten), oder den Zeitraum entfernen.',
  );
  await expect(door).toHaveAttribute('data-state', 'closed');
  await hours.getByRole('button', { name: `Zeitraum 2 am ${weekday} entfernen` }).click();
  await expect(day.locator('[aria-invalid="true"]')).toHaveCount(0);
  await tabTo(admin.page, save);
  await admin.page.keyboard.press('Enter');
  await expect(door).toHaveAttribute('data-state', 'open');
  await expect(todaysHours).toHaveText('00:00 bis 23:59 Uhr', followed);

  // A closure today closes the door again.
  const closures = admin.page.getByRole('region', { name: 'Schließtage des Amts' });
  await closures.getByLabel('Erster Tag').fill(date);
  // An English reason alone is said at the German field, and nothing is added.
  await closures.getByLabel('Grund auf Englisch').fill('Staff outing');
  await closures.getByRole('button', { name: 'Eintragen' }).click();
  const germanReason = closures.getByLabel('Grund auf Deutsch (wird Bürgerinnen und Bürgern gezeigt)');
  await expect(germanReason).toHaveAttribute('aria-invalid', 'true');
  await expect(germanReason).toHaveAccessibleDescription(/Bitte geben Sie den Grund auch auf Deutsch an/);
  await expect(closures.getByTestId('closure-saved')).toHaveText('');
  await germanReason.fill('Betriebsausflug');
  await closures.getByRole('button', { name: 'Eintragen' }).click();
  await expect(closures.getByTestId('closure-saved')).toHaveText('Schließtag eingetragen.');
  await expect(closures.getByTestId('closure-list').first()).toContainText('Betriebsausflug');
  await expect(door).toHaveAttribute('data-state', 'closed');
  await expect(page.getByTestId('closures')).toContainText('Betriebsausflug', followed);
  // All of it without a reload: the page is the one opened at the start.
  await expect(page.locator('html[data-opened-once]')).toHaveCount(1);
  // In English, the door page gives the English reason.
  const visitor = await people.open(browser);
  await visitor.page.goto(`/${TENANT}/${DEPARTMENT}`);
  await switchLanguage(visitor.page, 'en');
  await expect(visitor.page.getByTestId('closures')).toContainText('Staff outing');
  await expect(visitor.page.getByTestId('closures')).not.toContainText('Betriebsausflug');
  // Removing it by keyboard: its button goes with it, the focus stays in the list (not the page's start).
  const removeClosure = closures.getByRole('button', { name: /^Schließtag .* entfernen$/ }).first();
  await tabTo(admin.page, removeClosure);
  await admin.page.keyboard.press('Enter');
  await expect(closures.getByTestId('closure-list-status')).toHaveText('Schließtag entfernt.');
  await expect(closures.getByText('Betriebsausflug')).toHaveCount(0);
  await expect(closures.locator(':focus')).toHaveCount(1);
  await expect(admin.page.locator('body')).not.toBeFocused();
  await expect(door).toHaveAttribute('data-state', 'open', followed);

  // Saving the department's settings keeps the page in place: "saved" is said, the focus stays.
  const settings = admin.page.getByRole('region', { name: 'Einstellungen des Amts' });
  const saveSettings = settings.getByRole('button', { name: 'Speichern' });
  await saveSettings.focus();
  await admin.page.keyboard.press('Enter');
  await expect(admin.page.getByTestId('department-saved')).toHaveText('Gespeichert.');
  await expect(saveSettings).toBeFocused();
  // Preparing the archiving says who is affected, with the focus there; cancelling gives it back.
  const archive = admin.page.getByRole('region', { name: 'Amt archivieren' });
  await archive.getByRole('button', { name: 'Archivierung vorbereiten' }).focus();
  await admin.page.keyboard.press('Enter');
  await expect(archive.getByTestId('archive-preview')).toBeFocused();
  await archive.getByRole('button', { name: 'Abbrechen' }).click();
  await expect(archive.getByRole('button', { name: 'Archivierung vorbereiten' })).toBeFocused();

  // Each admin page at 320 px: no violations there either, and no sideways scrolling.
  await admin.page.setViewportSize({ width: 320, height: 640 });
  for (const path of ['/admin', `/admin/${TENANT}`, `/admin/${TENANT}/departments/${DEPARTMENT}`]) {
    await admin.page.goto(path);
    await expect(mainHeading(admin.page)).toBeVisible();
    await expect(admin.page.getByTestId('loading')).toHaveCount(0);
    await expectNoA11yViolations(admin.page);
    const overflow = await admin.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal overflow on ${path}`).toBeLessThanOrEqual(0);
  }

  // A mistyped municipality or department is not found, not a missing right (Amelie administers
  // every department of Testhausen).
  const department = `/admin/${TENANT}/departments/nixda`;
  const tenantPages = ['', '/audit', '/texts', '/staff', '/sign-in'].map((page) => `/admin/nixda${page}`);
  const departmentPages = ['', '/services', '/availability', '/devices'].map((page) => `${department}${page}`);
  for (const path of [...tenantPages, ...departmentPages]) {
    await admin.page.goto(path);
    await expect(admin.page.getByTestId('not-found'), path).toBeVisible();
    await expect(mainHeading(admin.page)).toHaveText('Seite nicht gefunden');
    await expect(admin.page.getByTestId('admin-forbidden')).toHaveCount(0);
  }
});

test('changes not saved yet are not lost by a link or closing the tab: the page asks first, in the admin’s language', async ({
  browser,
}) => {
  const admin = await people.open(browser);
  await signInAsAdmin(admin, ADMINS.amelie);
  const headers = { 'X-Forwarded-For': admin.address };
  const original = AdminDepartmentSchema.parse(await (await admin.request.get(ADMIN_API, { headers })).json());
  people.tidyWith(async () => {
    await admin.request.patch(ADMIN_API, { data: { description: original.description }, headers });
  });
  const page = admin.page;
  // Every question the page asks, answered as `answer` says.
  const asked: { type: string; text: string }[] = [];
  let answer: 'accept' | 'dismiss' = 'dismiss';
  page.on('dialog', (dialog) => {
    asked.push({ type: dialog.type(), text: dialog.message() });
    void (answer === 'accept' ? dialog.accept() : dialog.dismiss());
  });
  const departmentPage = new RegExp(`/admin/${TENANT}/departments/${DEPARTMENT}$`);
  await page.goto(`/admin/${TENANT}/departments/${DEPARTMENT}`);
  const description = page.getByLabel('Beschreibung (Deutsch)');
  await expect(description).toHaveValue(original.description.de);

  // Typed, not saved: "back" asks, and "cancel" keeps the page with what was typed.
  await description.fill(`${original.description.de} Neu`);
  await page.getByRole('link', { name: 'Zurück zur Kommune' }).click();
  expect(asked).toEqual([
    {
      type: 'confirm',
      text: 'Auf dieser Seite sind Änderungen noch nicht gespeichert. Seite trotzdem verlassen? Die Änderungen gehen dann verloren.',
    },
  ]);
  await expect(page).toHaveURL(departmentPage);
  await expect(description).toHaveValue(`${original.description.de} Neu`);

  // In English it asks in English; leaving anyway leaves.
  await switchLanguage(page, 'en');
  answer = 'accept';
  await page.getByRole('link', { name: 'Back to the municipality' }).click();
  expect(asked.at(-1)).toEqual({
    type: 'confirm',
    text: 'Some changes on this page are not saved yet. Leave the page anyway? The changes will be lost.',
  });
  await expect(page).toHaveURL(new RegExp(`/admin/${TENANT}$`));

  // Saved, nothing is asked; a change of the hours not saved is asked about by the browser when
  // the tab closes.
  await page.goBack();
  await expect(page).toHaveURL(departmentPage);
  const descriptionEn = page.getByLabel('Description (German)');
  await descriptionEn.fill(`${original.description.de} Neu`);
  await page.getByRole('button', { name: 'Save', exact: true }).first().click();
  await expect(page.getByTestId('department-saved')).toHaveText('Saved.');
  const questions = asked.length;
  await page.getByRole('link', { name: 'Back to the municipality' }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/${TENANT}$`));
  expect(asked).toHaveLength(questions);
  await page.goBack();
  const hours = page.getByTestId('hours-editor');
  await hours.getByRole('button', { name: 'Add a range on Sunday' }).click();
  const closed = page.waitForEvent('close');
  await page.close({ runBeforeUnload: true });
  await closed;
  expect(asked.at(-1)?.type).toBe('beforeunload');
});

test('a year the holiday prefill refuses is said at its field, and the summary’s link leads there', async ({
  browser,
}) => {
  const admin = await people.open(browser);
  await signInAsAdmin(admin, ADMINS.amelie);
  const page = admin.page;
  await page.goto(`/admin/${TENANT}`);
  const closures = page.getByRole('region', { name: 'Feiertage und Schließtage der Kommune' });
  const year = closures.getByRole('textbox', { name: 'Jahr' });
  await year.fill('20026');
  await closures.getByRole('button', { name: 'Feiertage des Bundeslands übernehmen' }).click();
  const summary = closures.getByRole('link', { name: 'Bitte ein Jahr von 2000 bis 2100.' });
  await expect(summary).toBeVisible();
  // At the field: marked, and its message read with it.
  await expect(year).toHaveAttribute('aria-invalid', 'true');
  await expect(year).toHaveAccessibleDescription(/Bitte ein Jahr von 2000 bis 2100\./);
  await summary.click();
  await expect(year).toBeFocused();
  // What was typed stays, to correct; nothing was added.
  await expect(year).toHaveValue('20026');
  await expect(closures.getByTestId('prefill-saved')).toHaveText('');
  await expectNoA11yViolations(page);
});
