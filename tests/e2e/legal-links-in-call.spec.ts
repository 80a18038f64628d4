import { CitizenVisitResponseSchema } from '@amtsraum/shared';
import type { Browser, Page } from '@playwright/test';
import { expectFrames, makeInviteLink, passDeviceCheck, remoteCameraOf } from './call-support';
import { expect, expectAccessibleAlsoAt320, mainHeading, switchLanguage, test } from './fixtures';
import {
  admitViaApi,
  expectNoBrowserErrors,
  finishViaApi,
  goOnDuty,
  newPerson,
  setDoor,
  signInAsStaff,
  tabTo,
  tidyDepartment,
  type Person,
} from './support';

// The invitation page, the call and the page after it name no municipality in their address: their
// footer linked to the installation's legal pages (none configured here: to nothing). Whoever
// talks with a municipality must find its legal notice and privacy statement there (issue 15, item
// 7), each municipality its own, and a click on "Impressum" during the call must not end it,
// nor one on the header's "Amtsraum" without asking.
test.describe.configure({ timeout: 240_000 });

const OFFICES = [
  { tenant: 'musterstadt', department: 'buergeramt', clerk: 'anna.schmidt@musterstadt.example' },
  { tenant: 'beispielheim', department: 'buergerbuero', clerk: 'lena.hoffmann@beispielheim.example' },
] as const;
type Office = (typeof OFFICES)[number];

/** The clerk with the office's door open and on duty, and a citizen knocked and let in. */
async function admittedCall(browser: Browser, office: Office) {
  const clerk = await newPerson(browser);
  const me = await signInAsStaff(clerk, office.clerk);
  const department = me.staff.departments.find((d) => d.slug === office.department && d.tenantSlug === office.tenant);
  if (!department) throw new Error(`${office.clerk} is not in ${office.tenant}/${office.department}`);
  await setDoor(clerk, department.id, 'open');
  const duty = await goOnDuty(clerk, department.id);
  const citizen = await newPerson(browser);
  const knocked = await citizen.request.post(`/api/tenants/${office.tenant}/departments/${office.department}/knock`, {
    data: { name: 'Jonas Becker', concern: 'Ummeldung', language: 'de', consent: true },
    headers: { 'X-Forwarded-For': citizen.address },
  });
  expect(knocked.status(), await knocked.text()).toBe(201);
  const visit = CitizenVisitResponseSchema.parse(await knocked.json()).visit;
  await admitViaApi(clerk, department.id, visit.id);
  return { clerk: { ...clerk, departmentId: department.id, duty }, citizen, visitId: visit.id };
}

/** The footer's legal links lead to `tenant`'s pages; in a new tab when `newTab` (English names). */
async function expectLegalLinks(page: Page, tenant: string, newTab: boolean): Promise<void> {
  const footer = page.getByTestId('legal-footer');
  const suffix = newTab ? ' (opens in a new tab)' : '';
  for (const [name, path] of [
    ['Legal notice', 'impressum'],
    ['Privacy', 'datenschutz'],
    ['Accessibility', 'barrierefreiheit'],
  ] as const) {
    const link = footer.getByRole('link', { name: `${name}${suffix}`, exact: true });
    await expect(link).toHaveAttribute('href', `/${tenant}/${path}`);
    if (newTab) await expect(link).toHaveAttribute('target', '_blank');
    else await expect(link).not.toHaveAttribute('target');
  }
}

for (const office of OFFICES) {
  test(`an interpreter at ${office.tenant} finds its legal notice and privacy statement on the invitation, in the call (a new tab, the call goes on) and after it, in English at 320 px by keyboard`, async ({
    browser,
  }) => {
    const { clerk, citizen, visitId } = await admittedCall(browser, office);
    const interpreter = await newPerson(browser);
    const people: Person[] = [clerk, citizen, interpreter];
    try {
      const url = await makeInviteLink(clerk, visitId, { role: 'interpreter', label: 'Interpreting', lobby: false });
      const page = interpreter.page;
      await page.setViewportSize({ width: 320, height: 640 });
      await page.goto(url);
      await expect(page.getByTestId('invite-intro')).toBeVisible();
      await switchLanguage(page, 'en');
      // The name form would be lost by a page change in this tab, as the lobby later: a new tab.
      await expectLegalLinks(page, office.tenant, true);
      await expectAccessibleAlsoAt320(page);
      await page.getByLabel('Your name (optional)').fill('Elif Demir');
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await expect(page.getByTestId('device-check')).toBeVisible();
      await expectLegalLinks(page, office.tenant, true);

      await citizen.page.goto(`/call/${visitId}`);
      await passDeviceCheck(citizen);
      await page.getByRole('button', { name: 'Join the call' }).click();
      await expect(page.getByTestId('call')).toBeVisible({ timeout: 20_000 });
      await expectFrames(remoteCameraOf(page, 'Citizen'), 'the interpreter sees the citizen');
      await expectLegalLinks(page, office.tenant, true);
      await expectAccessibleAlsoAt320(page);

      // "Legal notice" by keyboard mid-call: the municipality's page opens in a tab of its own, and
      // the call goes on in this one.
      const imprint = page.getByTestId('legal-footer').getByRole('link', { name: /^Legal notice/ });
      await imprint.focus();
      const [opened] = await Promise.all([interpreter.context.waitForEvent('page'), page.keyboard.press('Enter')]);
      await expect(opened).toHaveURL(new RegExp(`/${office.tenant}/impressum$`));
      await expect(mainHeading(opened)).toBeVisible();
      await opened.close();
      await expect(page.getByTestId('call')).toBeVisible();
      await expectFrames(remoteCameraOf(page, 'Citizen'), 'the call went on');
      await expectFrames(remoteCameraOf(citizen.page, 'Dolmetscherin/Dolmetscher'), 'the citizen still sees them');

      // "Amtsraum" in the header would leave the page, and the call with it: asked first, and
      // "Cancel" keeps the call.
      const asked = new Promise<string>((resolve) => {
        page.once('dialog', (dialog) => {
          resolve(dialog.message());
          void dialog.dismiss();
        });
      });
      await page.getByRole('banner').getByRole('link').first().click();
      await expect(page).toHaveURL(new RegExp(`/call/${visitId}$`));
      expect(await asked).toBe('Leave this page? You will leave the call too.');
      await expectFrames(remoteCameraOf(page, 'Citizen'), 'the call went on after "Cancel"');

      // The clerk ends the visit: the page after the call links to the same municipality, in this tab.
      await finishViaApi(clerk, clerk.departmentId, visitId);
      await expect(page.getByTestId('call-ended')).toHaveAttribute('data-role', 'interpreter');
      await expectLegalLinks(page, office.tenant, false);
      await expectAccessibleAlsoAt320(page);
      // Loaded again, it still does (the call's status says whose it was to those who were in it).
      await page.reload();
      await expect(page.getByTestId('call-ended')).toHaveAttribute('data-role', 'interpreter');
      await expectLegalLinks(page, office.tenant, false);
      await expect(citizen.page.getByTestId('call-ended')).toHaveAttribute('data-role', 'citizen');
      await expect(citizen.page.getByTestId('legal-footer').getByRole('link', { name: 'Impressum' })).toHaveAttribute(
        'href',
        `/${office.tenant}/impressum`,
      );

      // The invitation link opened again after the call: it says the call is over, and its footer
      // still links to the municipality's pages (it linked to none: the refused check named none),
      // reached by keyboard; and "All municipalities", the same words as after the call.
      await page.goto(url);
      await expect(page.getByTestId('invite-problem-invite_call_ended')).toBeVisible();
      // The refused check (410) is logged by Chromium, and expected; nothing else is let through.
      interpreter.errors.splice(
        0,
        interpreter.errors.length,
        ...interpreter.errors.filter((error) => !/status of 410/.test(error)),
      );
      await expect(mainHeading(page)).toHaveText('The call has ended');
      await expectLegalLinks(page, office.tenant, false);
      await expect(
        page.getByRole('main').getByRole('link', { name: 'All municipalities', exact: true }),
      ).toHaveAttribute('href', '/');
      await tabTo(page, page.getByTestId('legal-footer').getByRole('link', { name: 'Privacy', exact: true }));
      await expectAccessibleAlsoAt320(page);
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(new RegExp(`/${office.tenant}/datenschutz$`));
      await expect(mainHeading(page)).toBeVisible();
    } finally {
      await tidyDepartment(clerk, clerk.departmentId);
      for (const person of people) await person.context.close();
    }
    expectNoBrowserErrors(...people);
  });
}
