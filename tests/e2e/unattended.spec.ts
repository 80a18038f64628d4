import { expect, expectNoA11yViolations, test } from './fixtures';
import {
  STAFF,
  TENANT,
  expectNoBrowserErrors,
  goOnDuty,
  knockViaApi,
  openDoorAsClerk,
  openWaitingRoom,
  peoplePerTest,
  tidyDepartment,
} from './support';

// Issue 13: a door left "open" with nobody on duty took knocks and promised a short wait. The
// door turns unattended a minute after the last clerk left, as the attendance job (every 15 s)
// sees it: this spec waits for that, up to one and a half minutes.
test.describe.configure({ timeout: 180_000 });

const people = peoplePerTest();

test('a door nobody attends says so, takes no knocks, tells the people waiting, and opens again when a clerk is back', async ({
  browser,
}) => {
  const clerk = people.add(await openDoorAsClerk(browser, STAFF.petra, 'gewerbeamt'));
  people.tidyWith(() => tidyDepartment(clerk, clerk.departmentId));
  const waiting = await people.open(browser);
  const visitor = await people.open(browser);

  await knockViaApi(waiting, 'gewerbeamt', { name: 'Wera Wartend', concern: 'Gewerbe ummelden' });
  await openWaitingRoom(waiting, 'gewerbeamt');
  await expect(waiting.page.getByTestId('door-notice')).toHaveCount(0);
  await visitor.page.goto(`/${TENANT}/gewerbeamt`);
  await expect(visitor.page.getByRole('form', { name: 'Anklopfen' })).toBeVisible();

  // The clerk closes the console and goes home, the door still set to "open".
  await clerk.duty.close();

  const door = visitor.page.getByTestId('door-status');
  await expect(door).toHaveAttribute('data-unattended', 'true', { timeout: 100_000 });
  await expect(door).toHaveAttribute('data-state', 'open');
  await expect(door).toHaveText(/^Gerade niemand im Dienst/);
  await expect(visitor.page.getByTestId('door-unattended')).toBeVisible();
  await expect(visitor.page.getByTestId('door-estimate')).toHaveCount(0); // no promise of a wait
  const unavailable = visitor.page.getByTestId('knock-unavailable');
  await expect(unavailable).toHaveAttribute('data-reason', 'unattended');
  await expect(unavailable.getByRole('link', { name: 'Videotermin buchen' })).toHaveAttribute(
    'href',
    `/${TENANT}/gewerbeamt/termin`,
  );
  await expect(visitor.page.getByRole('form', { name: 'Anklopfen' })).toHaveCount(0);
  await expectNoA11yViolations(visitor.page);

  // The person waiting is told, keeps the place until a time, and is offered an appointment.
  const notice = waiting.page.getByTestId('door-notice');
  await expect(notice).toHaveAttribute('data-reason', 'unattended');
  await expect(notice).toContainText('Gerade ist niemand im Dienst');
  await expect(notice).toContainText(/Ihr Platz bleibt bis \d\d:\d\d\sUhr erhalten/);
  await expect(notice.getByTestId('book-instead')).toHaveAttribute('href', `/${TENANT}/gewerbeamt/termin`);
  await expect(waiting.page.getByTestId('estimate')).toHaveText('Wartezeit: ungewiss, solange niemand im Dienst ist');
  await expect(waiting.page.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');
  await expectNoA11yViolations(waiting.page);

  // A clerk opens the console: both pages follow at once, without a reload.
  const back = await goOnDuty(clerk, clerk.departmentId);
  await expect(door).toHaveAttribute('data-unattended', 'false');
  await expect(visitor.page.getByRole('form', { name: 'Anklopfen' })).toBeVisible();
  await expect(notice).toHaveCount(0);
  await back.close();
  expectNoBrowserErrors(waiting, visitor);
});
