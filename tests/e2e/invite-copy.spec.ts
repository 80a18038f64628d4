import { appForPastAppointments, PAST_DEPARTMENT } from './appointment-in-the-past';
import { berlinDay } from './berlin-day';
import { expect, expectNoA11yViolations, switchLanguage, test } from './fixtures';
import { departmentId, expectNoBrowserErrors, newPerson, peoplePerTest, signInAsStaff, STAFF } from './support';

// A clerk whose browser gives the page no clipboard (a page not served over HTTPS, a browser that
// refuses): the invite's "copy" button must still leave the clerk a link to send. The appointment
// is booked on an app of the spec's own (appointment-in-the-past.ts), its invite panel in the console.
const app = appForPastAppointments();

const people = peoplePerTest();

test('when the browser refuses to copy, the clerk is told so, in German and English, and the link is selected to copy by hand', async ({
  browser,
}) => {
  const citizen = people.add(await newPerson(browser, { baseURL: app.url() }));
  const clerk = people.add(await newPerson(browser, { baseURL: app.url() }));
  await clerk.page.addInitScript(() => {
    navigator.clipboard.writeText = () =>
      Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
  });
  const startsAt = new Date(Date.now() + 60 * 60_000);
  await app.bookInThePast(citizen, { name: 'Ida Kopf', email: `ida.${String(Date.now())}@example.org`, startsAt });
  const me = await signInAsStaff(clerk, STAFF.anna);
  const { page } = clerk;
  await page.goto(`/staff/${departmentId(me, PAST_DEPARTMENT)}`);
  const appointments = page.getByTestId('appointments-panel');
  if (berlinDay(startsAt) !== berlinDay()) await appointments.getByRole('button', { name: 'Nächster Tag' }).click();
  const row = appointments.getByTestId('appointments').getByRole('row', { name: /Ida Kopf/ });
  await row.getByRole('button', { name: /^Einladungen für diesen Termin/ }).click();
  const panel = page.getByTestId('invite-panel');
  await panel.getByRole('button', { name: 'Einladungslink erstellen' }).click();
  const link = panel.getByTestId('invite-url');
  const url = await link.inputValue();
  expect(new URL(url).pathname).toBe('/einladung');

  const selected = () =>
    link.evaluate((input: HTMLInputElement) => input.value.slice(input.selectionStart ?? 0, input.selectionEnd ?? 0));
  const status = panel.getByTestId('invite-copy-status');
  await expect(status).toHaveRole('status');
  await expect(status).toBeEmpty();
  // By keyboard, as a clerk serving people all day would: from the link to its button.
  await page.keyboard.press('Tab');
  await expect(panel.getByRole('button', { name: 'Link kopieren' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(status).toHaveText('Nicht kopiert: Der Link ist markiert, kopieren Sie ihn mit Strg+C.');
  await expect(link).toBeFocused();
  await expect.poll(selected).toBe(url);
  await expectNoA11yViolations(page);

  await switchLanguage(page, 'en');
  await panel.getByRole('button', { name: 'Copy link' }).click();
  await expect(status).toHaveText('Not copied: the link is selected, copy it with Ctrl+C.');
  await expect(link).toBeFocused();
  await expect.poll(selected).toBe(url);
  expectNoBrowserErrors(citizen, clerk);
});
