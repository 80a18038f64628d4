import { expectFrames, passDeviceCheck, remoteCamera } from './call-support';
import { expect, mainHeading, test } from './fixtures';
import { startTwoProcesses, TEST_DATABASE_URL } from './servers';
import {
  STAFF,
  admitViaApi,
  expectNoBrowserErrors,
  knockViaApi,
  newPerson,
  openDoorAsClerk,
  tidyDepartment,
} from './support';

// Decision 012: an installation with several app processes behind a load balancer, here two on
// one PostgreSQL, and the citizen and the clerk on different ones. Runs over each transport (the
// project's): LiveKit carries the media itself; peer-to-peer signalling crosses between the
// processes on PostgreSQL. Needs the run's PostgreSQL (CI sets TEST_DATABASE_URL).
test.describe.configure({ timeout: 150_000 });
test.skip(!TEST_DATABASE_URL, 'calls across processes need PostgreSQL: set TEST_DATABASE_URL');

let servers: Awaited<ReturnType<typeof startTwoProcesses>> | null = null;
test.beforeAll(async ({ transport }) => {
  test.setTimeout(120_000);
  servers = await startTwoProcesses(transport);
});
test.afterAll(async () => {
  await servers?.stop();
});

test(
  'a citizen on one process and a clerk on another see each other, chat, and the call ends for both',
  { tag: '@sfu' },
  async ({ browser }) => {
    const { a, b } = servers!;
    const clerk = await openDoorAsClerk(browser, STAFF.anna, 'buergeramt', { baseURL: b.url });
    const citizen = await newPerson(browser, { baseURL: a.url });
    try {
      const visit = await knockViaApi(citizen, 'buergeramt', { name: 'Erika über A', concern: 'Ummeldung' });
      await admitViaApi(clerk, clerk.departmentId, visit.id);
      await Promise.all([citizen.page.goto(`/call/${visit.id}`), clerk.page.goto(`/call/${visit.id}`)]);
      await Promise.all([passDeviceCheck(citizen), passDeviceCheck(clerk)]);

      await expectFrames(remoteCamera(citizen.page), 'citizen on A sees the clerk on B');
      await expectFrames(remoteCamera(clerk.page), 'clerk on B sees the citizen on A');
      await citizen.page.getByRole('textbox', { name: 'Nachricht' }).fill('Grüße von Prozess A');
      await citizen.page.getByRole('button', { name: 'Senden' }).click();
      await expect(clerk.page.getByRole('log', { name: 'Nachrichten' })).toContainText('Grüße von Prozess A');
      await clerk.page.getByRole('textbox', { name: 'Nachricht' }).fill('Antwort von Prozess B');
      await clerk.page.getByRole('button', { name: 'Senden' }).click();
      await expect(citizen.page.getByRole('log', { name: 'Nachrichten' })).toContainText('Antwort von Prozess B');

      await clerk.page.getByRole('button', { name: 'Gespräch für alle beenden' }).click();
      await clerk.page.getByRole('button', { name: 'Ja, für alle beenden' }).click();
      await expect(mainHeading(citizen.page)).toHaveText('Das Gespräch ist beendet');
      // The clerk is back at the queue (issue 13), served by process B.
      await expect(clerk.page).toHaveURL(new RegExp(`/staff/${clerk.departmentId}$`));
      await expect(mainHeading(clerk.page)).toHaveText('Bürgeramt');
    } finally {
      await tidyDepartment(clerk, clerk.departmentId);
      await citizen.context.close();
      await clerk.context.close();
    }
    expectNoBrowserErrors(citizen, clerk);
  },
);
