import { passDeviceCheck } from './call-support';
import { expect, switchLanguage, test } from './fixtures';
import { STAFF, admitViaApi, knockViaApi, newPerson, openDoorAsClerk, tidyDepartment } from './support';

// The call's controls by keyboard on a phone's width, the clerk in German and the citizen in
// English: what a screen reader hears when a screen is shared and no longer shared, what a failed
// change of camera says, and where the focus goes when the clerk does not end the call after all.
test.describe.configure({ timeout: 180_000 });

test('sharing is announced to both, a failed camera change is said, "keep talking" keeps the focus, a clerk who leaves finds the queue', async ({
  browser,
}) => {
  const clerk = await openDoorAsClerk(browser, STAFF.anna, 'buergeramt');
  const citizen = await newPerson(browser);
  for (const person of [clerk, citizen]) await person.page.setViewportSize({ width: 320, height: 640 });

  try {
    const visit = await knockViaApi(citizen, 'buergeramt', { name: 'Erika Mustermann', concern: 'Ummeldung' });
    await admitViaApi(clerk, clerk.departmentId, visit.id);
    await Promise.all([citizen.page.goto(`/call/${visit.id}`), clerk.page.goto(`/call/${visit.id}`)]);
    await Promise.all([passDeviceCheck(citizen), passDeviceCheck(clerk)]);
    await switchLanguage(citizen.page, 'en');
    await expect(citizen.page.getByTestId('connection')).toHaveAttribute('data-state', 'connected');
    await expect(clerk.page.getByTestId('connection')).toHaveAttribute('data-state', 'connected');

    // The clerk shares by keyboard: both hear who shares (a status), and the focus stays on the button.
    const share = clerk.page.getByRole('button', { name: 'Bildschirm teilen' });
    await share.focus();
    await clerk.page.keyboard.press('Enter');
    const stop = clerk.page.getByRole('button', { name: 'Teilen beenden' });
    await expect(stop).toBeFocused();
    await expect.soft(clerk.page.getByRole('status').filter({ hasText: 'Sie teilen Ihren Bildschirm' })).toHaveCount(1);
    await expect(citizen.page.getByTestId('screen-share')).toBeVisible({ timeout: 20_000 });
    await expect
      .soft(citizen.page.getByRole('status').filter({ hasText: /is sharing the screen$/ }))
      .toHaveCount(1, { timeout: 20_000 });
    await clerk.page.keyboard.press('Enter');
    await expect(clerk.page.getByRole('button', { name: 'Bildschirm teilen' })).toBeFocused();
    await expect(citizen.page.getByTestId('screen-share')).toHaveCount(0, { timeout: 20_000 });
    await expect
      .soft(clerk.page.getByRole('status').filter({ hasText: 'Der Bildschirm wird nicht mehr geteilt' }))
      .toHaveCount(1);
    await expect
      .soft(citizen.page.getByRole('status').filter({ hasText: 'The screen is no longer shared' }))
      .toHaveCount(1);

    // The citizen picks another camera, which cannot be opened (taken by another program): said,
    // and the list shows no choice that did not happen.
    // A second camera is listed beside Chromium's one fake camera, and it cannot be opened.
    await citizen.page.evaluate(() => {
      const devices = navigator.mediaDevices;
      const list = devices.enumerateDevices.bind(devices);
      const open = devices.getUserMedia.bind(devices);
      const taken = { deviceId: 'taken-camera', groupId: 'taken', kind: 'videoinput', label: 'Busy camera' };
      devices.enumerateDevices = async () => [...(await list()), { ...taken, toJSON: () => taken } as MediaDeviceInfo];
      devices.getUserMedia = (constraints) =>
        JSON.stringify(constraints ?? {}).includes('taken-camera')
          ? Promise.reject(new DOMException('Could not start video source', 'NotReadableError'))
          : open(constraints);
    });
    await citizen.page.getByRole('button', { name: 'Devices' }).focus();
    await citizen.page.keyboard.press('Enter');
    const cameraChoice = citizen.page.getByRole('combobox', { name: 'Camera' });
    await cameraChoice.selectOption('taken-camera');
    await expect.soft(citizen.page.getByRole('alert')).toContainText('could not be switched');
    await expect.soft(cameraChoice).toHaveValue('');
    // The camera turned off and on again opens the one that worked, not the one that failed.
    const camera = citizen.page.getByRole('button', { name: 'Camera', exact: true });
    await camera.focus();
    await citizen.page.keyboard.press('Enter');
    await expect(camera).toHaveAttribute('aria-pressed', 'false');
    await citizen.page.keyboard.press('Enter');
    await expect(camera).toHaveAttribute('aria-pressed', 'true');

    // The clerk asks to end for everyone, then keeps talking: the focus is back on the button.
    const end = clerk.page.getByRole('button', { name: 'Gespräch für alle beenden' });
    await end.focus();
    await clerk.page.keyboard.press('Enter');
    await expect(clerk.page.getByRole('button', { name: 'Ja, für alle beenden' })).toBeFocused();
    await clerk.page.keyboard.press('Tab');
    await expect(clerk.page.getByRole('button', { name: 'Weiter sprechen' })).toBeFocused();
    await clerk.page.keyboard.press('Enter');
    await expect.soft(end).toBeFocused();
    await expect(citizen.page.getByTestId('connection')).toHaveAttribute('data-state', 'connected');

    // The clerk leaves without ending: told that the call goes on, and given the way back to the
    // queue (before, only "join again", and a text about waiting for the clerk).
    await clerk.page.getByRole('button', { name: 'Verlassen' }).focus();
    await clerk.page.keyboard.press('Enter');
    const left = clerk.page.getByTestId('call-left');
    await expect(left).toContainText('Sie haben das Gespräch verlassen');
    await expect(left).not.toContainText('Solange die Sachbearbeitung');
    await expect(left.getByRole('button', { name: 'Wieder beitreten' })).toBeVisible();
    const toQueue = left.getByRole('link', { name: 'Zurück zur Warteschlange' });
    await toQueue.focus();
    await clerk.page.keyboard.press('Enter');
    await expect(clerk.page).toHaveURL(new RegExp(`/staff/${clerk.departmentId}$`));
    // With the focus where the work goes on, as after every call (it was on the page's heading).
    await expect(clerk.page.getByRole('button', { name: 'Nächste Person hereinbitten' })).toBeFocused();
  } finally {
    await tidyDepartment(clerk, clerk.departmentId);
    await citizen.context.close();
    await clerk.context.close();
  }
});
