import { expect, expectAccessibleAlsoAt320, mainHeading, test } from './fixtures';
import {
  STAFF,
  expectNoBrowserErrors,
  getConsole,
  knockViaApi,
  openDoorAsClerk,
  peoplePerTest,
  tabTo,
  tidyDepartment,
} from './support';

// One queue for the virtual door and the town hall, as the clerk works it (issue 16, items 3 and
// 5). Gewerbeamt only: the call specs use the Bürgeramt, the knock specs tidy up after themselves.

const people = peoplePerTest();

test('a clerk queues a person at the counter, sets the counter when a call needs it, and calls the queue in order: on site to the counter, video into the call', async ({
  browser,
}) => {
  // Two people, two accessibility checks at two widths: more than the default half minute on a busy machine.
  test.setTimeout(90_000);
  const clerk = people.add(await openDoorAsClerk(browser, STAFF.petra, 'gewerbeamt'));
  people.tidyWith(() => tidyDepartment(clerk, clerk.departmentId));
  const { page } = clerk;
  await page.goto(`/staff/${clerk.departmentId}`);
  await expect(mainHeading(page)).toHaveText('Gewerbeamt');

  // Somebody without internet at the counter: a ticket, its number large.
  await tabTo(page, page.getByRole('button', { name: 'Person vor Ort einreihen' }));
  await page.keyboard.press('Enter');
  const concern = page.getByRole('textbox', { name: 'Anliegen (freiwillig)' });
  await expect(concern).toBeFocused();
  await page.keyboard.type('Gewerbe anmelden');
  await page.keyboard.press('Enter');
  const drawn = page.getByTestId('drawn-ticket');
  await expect(drawn).toContainText('Wartenummer');
  await expect(drawn.locator('.drawn-ticket__number')).toHaveText('001');

  // A citizen at home knocks after them.
  const vera = await people.open(browser);
  const visit = await knockViaApi(vera, 'gewerbeamt', { name: 'Vera Video' });
  const rows = page.getByTestId('queue').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('Vor Ort · Nr. 001');
  await expect(rows.nth(0)).toContainText('Gewerbe anmelden');
  await expect(rows.nth(1)).toContainText('Vera Video');
  await expect(rows.nth(1).getByTestId('queue-channel')).toHaveText('Video');
  await expectAccessibleAlsoAt320(page);

  // First in line is on site, and this clerk has no counter yet: said, and the field to set it
  // takes the focus; typed by keyboard.
  await tabTo(page, page.getByRole('button', { name: 'Nächste Person hereinbitten' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('console-message')).toContainText('Bitte geben Sie zuerst Ihren Platz an');
  const counter = page.getByRole('textbox', { name: 'Ihr Platz' });
  await expect(counter).toBeFocused();
  await expect(rows).toHaveCount(2);
  await page.keyboard.type('Platz 3');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('counter')).toHaveText(/^Ihr Platz: Platz 3/);
  await expect(page.getByTestId('console-message')).toHaveCount(0);

  // "Next" takes the queue's order: the person on site first, called to the counter; no call opens.
  await tabTo(page, page.getByRole('button', { name: 'Nächste Person hereinbitten' }));
  await page.keyboard.press('Enter');
  const current = page.getByTestId('current-visit');
  await expect(current.getByTestId('called-visit')).toContainText('Nr. 001 aufgerufen an Platz 3');
  await expect(current.getByRole('link', { name: 'Zum Gespräch' })).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`/staff/${clerk.departmentId}$`));
  await expectAccessibleAlsoAt320(page);

  const called = (await getConsole(clerk, clerk.departmentId)).active[0]!;
  expect(called).toMatchObject({ channel: 'onsite', ticketNumber: 1, calledCounter: 'Platz 3' });
  await current.getByRole('button', { name: 'Erneut aufrufen' }).click();
  await expect
    .poll(
      async () => {
        const [again] = (await getConsole(clerk, clerk.departmentId)).active;
        return again?.id === called.id && again.calledAt !== called.calledAt;
      },
      { message: 'the recall calls the same number again, later' },
    )
    .toBe(true);
  await expect(current.getByTestId('called-visit')).toContainText('Nr. 001 aufgerufen an Platz 3');
  await current.getByRole('button', { name: 'Erledigt' }).click();
  await expect(current).toContainText('Sie sind gerade in keinem Gespräch.');

  // Then the citizen at home, into the call as ever.
  await page.getByRole('button', { name: 'Nächste Person hereinbitten' }).click();
  await expect(current).toContainText('Sie sind bei Vera Video');
  await expect(current.getByRole('link', { name: 'Zum Gespräch' })).toHaveAttribute('href', `/call/${visit.id}`);
  await current.getByRole('button', { name: 'Beenden' }).click();
  await expect(current).toContainText('Sie sind gerade in keinem Gespräch.');

  // Chromium logs the one refusal the test asked for (409 counter_required); nothing else.
  expect(clerk.errors.filter((error) => !/status of 409 .*\/admit-next$/.test(error))).toEqual([]);
  expectNoBrowserErrors(vera);
});
