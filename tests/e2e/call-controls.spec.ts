import type { Locator } from '@playwright/test';
import { passDeviceCheck, remoteTile } from './call-support';
import { expect, expectNoA11yViolations, switchLanguage, test } from './fixtures';
import { STAFF, admitViaApi, knockViaApi, newPerson, openDoorAsClerk, tidyDepartment } from './support';

// The call's controls by keyboard on a phone's width, the clerk in German and the citizen in
// English: what a screen reader hears when the other side comes, mutes, shares a screen and goes,
// what a failed change of camera says, and where the focus goes when the clerk does not end the
// call after all.
test.describe.configure({ timeout: 180_000 });

test(
  'who comes, mutes, shares and goes is announced, a failed camera change is said, "keep talking" keeps the focus, a clerk who leaves finds the queue',
  { tag: '@sfu' },
  async ({ browser }) => {
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

      // A screen reader hears who is in the call, and when the other side's microphone goes off and
      // on again (it heard nothing of the other side's coming, going or muting: a blind citizen
      // heard the clerk fall silent, and no more).
      const citizenNews = citizen.page.getByTestId('call-news');
      await expect(citizenNews).toHaveAttribute('role', 'status');
      await expect(citizenNews).toHaveText('Anna Schmidt is in the call.');
      await expect(clerk.page.getByTestId('call-news')).toHaveText('Erika Mustermann ist im Gespräch.');
      await clerk.page.getByRole('button', { name: 'Mikrofon', exact: true }).focus();
      await clerk.page.keyboard.press('Enter');
      await expect(citizenNews).toHaveText('Anna Schmidt: microphone off.');
      await clerk.page.keyboard.press('Enter');
      await expect(citizenNews).toHaveText('Anna Schmidt: microphone on again.');

      // The clerk shares by keyboard: both hear who shares (a status), and the focus stays on the button.
      const share = clerk.page.getByRole('button', { name: 'Bildschirm teilen' });
      await share.focus();
      await clerk.page.keyboard.press('Enter');
      const stop = clerk.page.getByRole('button', { name: 'Teilen beenden' });
      await expect(stop).toBeFocused();
      await expect
        .soft(clerk.page.getByRole('status').filter({ hasText: 'Sie teilen Ihren Bildschirm' }))
        .toHaveCount(1);
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
        devices.enumerateDevices = async () => [
          ...(await list()),
          { ...taken, toJSON: () => taken } as MediaDeviceInfo,
        ];
        devices.getUserMedia = (constraints) =>
          JSON.stringify(constraints ?? {}).includes('taken-camera')
            ? Promise.reject(new DOMException('Could not start video source', 'NotReadableError'))
            : open(constraints);
      });
      // The devices panel follows its button: Tab goes from "Devices" into it and on to the next
      // button (it stood before the bar, and a keyboard user went round the page to reach it).
      const devices = citizen.page.getByRole('button', { name: 'Devices' });
      await devices.focus();
      await citizen.page.keyboard.press('Enter');
      const cameraChoice = citizen.page.getByRole('combobox', { name: 'Camera' });
      const microphoneChoice = citizen.page.getByRole('combobox', { name: 'Microphone' });
      await expect(cameraChoice).toBeInViewport({ ratio: 1 });
      await expect(devices).toBeInViewport({ ratio: 1 });
      await citizen.page.keyboard.press('Tab');
      await expect(cameraChoice).toBeFocused();
      await expect(cameraChoice).toBeInViewport();
      await citizen.page.keyboard.press('Tab');
      await expect(microphoneChoice).toBeFocused();
      await citizen.page.keyboard.press('Tab');
      await expect(citizen.page.getByRole('button', { name: 'Leave' })).toBeFocused();
      await citizen.page.keyboard.press('Shift+Tab');
      await citizen.page.keyboard.press('Shift+Tab');
      await expect(cameraChoice).toBeFocused();
      await citizen.page.keyboard.press('Shift+Tab');
      await expect(devices).toBeFocused();
      await expectNoA11yViolations(citizen.page);
      await cameraChoice.selectOption('taken-camera');
      await expect.soft(citizen.page.getByRole('alert')).toContainText('could not be switched');
      await expect.soft(cameraChoice).toHaveValue('');
      // Escape closes the devices panel, as a disclosure, and the focus is back on its button.
      await cameraChoice.focus();
      await citizen.page.keyboard.press('Escape');
      await expect(cameraChoice).toHaveCount(0);
      await expect(devices).toBeFocused();
      await expect(devices).toHaveAttribute('aria-expanded', 'false');
      // The camera turned off and on again opens the one that worked, not the one that failed.
      const camera = citizen.page.getByRole('button', { name: 'Camera', exact: true });
      await camera.focus();
      await citizen.page.keyboard.press('Enter');
      await expect(camera).toHaveAttribute('aria-pressed', 'false');
      await citizen.page.keyboard.press('Enter');
      await expect(camera).toHaveAttribute('aria-pressed', 'true');

      // The clerk's invite panel follows its button too: Tab from "Einladen" goes into it, and back.
      const invite = clerk.page.getByRole('button', { name: 'Einladen' });
      await invite.focus();
      await clerk.page.keyboard.press('Enter');
      const role = clerk.page.getByTestId('invite-panel').getByRole('combobox', { name: 'Rolle' });
      await expect(role).toBeVisible();
      await clerk.page.keyboard.press('Tab');
      await expect(role).toBeFocused();
      await expectNoA11yViolations(clerk.page);
      await clerk.page.keyboard.press('Shift+Tab');
      await expect(invite).toBeFocused();
      await clerk.page.keyboard.press('Enter');
      await expect(role).toHaveCount(0);

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
      await expect(citizenNews).toHaveText('Anna Schmidt is no longer in the call.');
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
  },
);

/** Where the first and the last letter of `element`'s text stand on screen (their left edges). */
async function firstAndLast(element: Locator): Promise<{ first: number; last: number }> {
  return element.evaluate((node) => {
    const text = Array.from(node.childNodes).find((child) => child.nodeType === Node.TEXT_NODE);
    if (!text?.textContent) throw new Error('no text');
    const at = (index: number) => {
      const range = document.createRange();
      range.setStart(text, index);
      range.setEnd(text, index + 1);
      return range.getBoundingClientRect().left;
    };
    return { first: at(0), last: at(text.textContent.length - 1) };
  });
}

test('an Arabic name and chat message read from the right in a German call, full stop and all', async ({ browser }) => {
  const clerk = await openDoorAsClerk(browser, STAFF.anna, 'buergeramt');
  const citizen = await newPerson(browser);
  await citizen.page.setViewportSize({ width: 320, height: 640 });

  try {
    const visit = await knockViaApi(citizen, 'buergeramt', { name: 'مريم حسن', concern: 'Reisepass' });
    await admitViaApi(clerk, clerk.departmentId, visit.id);
    await Promise.all([citizen.page.goto(`/call/${visit.id}`), clerk.page.goto(`/call/${visit.id}`)]);
    await Promise.all([passDeviceCheck(citizen), passDeviceCheck(clerk)]);

    // What she types runs from the right as she types it: the box lays it out as Arabic.
    const input = citizen.page.getByRole('textbox', { name: 'Nachricht' });
    await input.fill('أحتاج جواز السفر.');
    expect(await input.evaluate((element) => getComputedStyle(element).unicodeBidi)).toBe('plaintext');
    await citizen.page.getByRole('button', { name: 'Senden' }).click();

    // The clerk reads it from the right, its full stop at its end (the left), not before its start.
    const message = clerk.page.getByRole('log', { name: 'Nachrichten' }).locator('.chat__text').last();
    await expect(message).toHaveText('أحتاج جواز السفر.');
    const arabic = await firstAndLast(message);
    expect(arabic.last, 'the full stop left of the first letter').toBeLessThan(arabic.first);
    // The line above it names her first, then the time: the time stood before her name.
    const meta = clerk.page.getByRole('log', { name: 'Nachrichten' }).locator('.chat__meta').last();
    await expect(meta).toHaveText(/^مريم حسن, \d\d:\d\d$/);
    const [nameAt, timeAt] = await meta.evaluate((line) => {
      const left = (pattern: RegExp) => {
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const index = node.textContent?.search(pattern) ?? -1;
          if (index < 0) continue;
          const range = document.createRange();
          range.setStart(node, index);
          range.setEnd(node, index + 1);
          return range.getBoundingClientRect().left;
        }
        throw new Error(`${String(pattern)} not in the line`);
      };
      return [left(/م/), left(/\d/)];
    });
    expect(nameAt, 'her name left of the time').toBeLessThan(timeAt);
    // A German message beside it still runs from the left.
    await clerk.page.getByRole('textbox', { name: 'Nachricht' }).fill('Bitte den Pass zeigen.');
    await clerk.page.getByRole('button', { name: 'Senden' }).click();
    const german = citizen.page.getByRole('log', { name: 'Nachrichten' }).locator('.chat__text').last();
    await expect(german).toHaveText('Bitte den Pass zeigen.');
    const latin = await firstAndLast(german);
    expect(latin.last).toBeGreaterThan(latin.first);

    // Her name on her own small picture starts at the right, "(Sie)" after it at the left; cut
    // short there, it loses its end, not its beginning.
    const own = citizen.page.locator('[data-testid="tile"][data-self="true"]').getByTestId('tile-name');
    await expect(own).toHaveText('مريم حسن (Sie)');
    const name = await firstAndLast(own);
    expect(name.last, '"(Sie)" left of her first letter').toBeLessThan(name.first);
    await expect(remoteTile(clerk.page).getByTestId('tile-name')).toHaveText('مريم حسن');
  } finally {
    await tidyDepartment(clerk, clerk.departmentId);
    await citizen.context.close();
    await clerk.context.close();
  }
});

test(
  'a camera or microphone the browser refuses in the call gets the help of the device check, by keyboard, on a phone, in German and English',
  { tag: '@sfu' },
  async ({ browser }) => {
    const clerk = await openDoorAsClerk(browser, STAFF.anna, 'buergeramt');
    const citizen = await newPerson(browser);
    await citizen.page.setViewportSize({ width: 320, height: 640 });

    try {
      const visit = await knockViaApi(citizen, 'buergeramt', { name: 'Erika Mustermann', concern: 'Ummeldung' });
      await admitViaApi(clerk, clerk.departmentId, visit.id);
      await Promise.all([citizen.page.goto(`/call/${visit.id}`), clerk.page.goto(`/call/${visit.id}`)]);
      // She comes in with camera and microphone off, and switches them on in the call.
      await citizen.page.getByLabel('Mit eingeschalteter Kamera eintreten').uncheck();
      await citizen.page.getByLabel('Mit eingeschaltetem Mikrofon eintreten').uncheck();
      await Promise.all([passDeviceCheck(citizen), passDeviceCheck(clerk)]);
      await expect(citizen.page.getByTestId('connection')).toHaveAttribute('data-state', 'connected');
      await expect(remoteTile(clerk.page)).toHaveAttribute('data-camera', 'off');

      // Her browser refuses the camera (its permission denied) and finds no microphone, until allowed.
      await citizen.page.evaluate(() => {
        const devices = navigator.mediaDevices;
        const open = devices.getUserMedia.bind(devices);
        const refused = { video: 'NotAllowedError', audio: 'NotFoundError' } as Record<string, string | null>;
        Object.assign(window, { refused });
        devices.getUserMedia = (constraints) => {
          const why = constraints?.video ? refused.video : refused.audio;
          return why ? Promise.reject(new DOMException('refused', why)) : open(constraints);
        };
      });

      const camera = citizen.page.getByRole('button', { name: 'Kamera', exact: true });
      await camera.focus();
      await citizen.page.keyboard.press('Enter');
      const cameraHelp = citizen.page.getByTestId('device-problem-camera');
      await expect(cameraHelp).toHaveAttribute('data-problem', 'denied');
      // Said at once (an alert), with how to allow the camera, not only that it "could not be switched".
      await expect(cameraHelp.getByRole('alert')).toHaveText(
        'Ihr Browser erlaubt dieser Seite die Kamera nicht. Klicken Sie links in der Adresszeile auf das Schloss- oder Kamerasymbol, erlauben Sie die Kamera und wählen Sie dann „Erneut prüfen“.',
      );
      await expect(citizen.page.getByText('ließen sich nicht umschalten')).toHaveCount(0);
      await expect(camera).toHaveAttribute('aria-pressed', 'false');
      await expect(cameraHelp).toBeInViewport({ ratio: 1 });
      await expectNoA11yViolations(citizen.page);
      // Tab goes from the camera button into the help; she allows the camera and checks again.
      await citizen.page.keyboard.press('Tab');
      const retry = cameraHelp.getByRole('button', { name: 'Erneut prüfen' });
      await expect(retry).toBeFocused();
      await expect(retry).toBeInViewport({ ratio: 1 });
      await citizen.page.evaluate(() => {
        (window as unknown as { refused: Record<string, string | null> }).refused.video = null;
      });
      await citizen.page.keyboard.press('Enter');
      await expect(cameraHelp).toHaveCount(0);
      await expect(camera).toHaveAttribute('aria-pressed', 'true');
      await expect(camera).toBeFocused();
      await expect(remoteTile(clerk.page)).toHaveAttribute('data-camera', 'on', { timeout: 20_000 });

      // No microphone: what to do without one, in English after a switch of language.
      const microphone = citizen.page.getByRole('button', { name: 'Mikrofon', exact: true });
      await microphone.focus();
      await citizen.page.keyboard.press('Enter');
      const microphoneHelp = citizen.page.getByTestId('device-problem-microphone');
      await expect(microphoneHelp).toHaveAttribute('data-problem', 'notFound');
      await expect(microphoneHelp.getByRole('alert')).toHaveText(
        'Wir finden kein Mikrofon. Schließen Sie ein Headset an und wählen Sie „Erneut prüfen“, oder schreiben Sie im Chat.',
      );
      await switchLanguage(citizen.page, 'en');
      await expect(microphoneHelp.getByRole('alert')).toHaveText(
        'We cannot find a microphone. Connect a headset and choose “Check again”, or write in the chat.',
      );
      const microphoneEn = citizen.page.getByRole('button', { name: 'Microphone', exact: true });
      // Checked again, still none: said again. Closed: gone, and the focus is back on the microphone.
      await microphoneEn.focus();
      await citizen.page.keyboard.press('Tab');
      await citizen.page.keyboard.press('Tab');
      await expect(microphoneHelp.getByRole('button', { name: 'Check again' })).toBeFocused();
      await citizen.page.keyboard.press('Enter');
      await expect(microphoneHelp.getByRole('alert')).toContainText('We cannot find a microphone.');
      await expect(microphoneHelp.getByRole('button', { name: 'Check again' })).toBeFocused();
      await citizen.page.keyboard.press('Tab');
      await expect(microphoneHelp.getByRole('button', { name: 'Close' })).toBeFocused();
      await expectNoA11yViolations(citizen.page);
      await citizen.page.keyboard.press('Enter');
      await expect(microphoneHelp).toHaveCount(0);
      await expect(microphoneEn).toBeFocused();
      await expect(microphoneEn).toHaveAttribute('aria-pressed', 'false');
      // Escape closes it too.
      await citizen.page.keyboard.press('Enter');
      await expect(microphoneHelp).toBeVisible();
      await citizen.page.keyboard.press('Tab');
      await citizen.page.keyboard.press('Tab');
      await citizen.page.keyboard.press('Escape');
      await expect(microphoneHelp).toHaveCount(0);
      await expect(microphoneEn).toBeFocused();
    } finally {
      await tidyDepartment(clerk, clerk.departmentId);
      await citizen.context.close();
      await clerk.context.close();
    }
  },
);

test('the clerk’s invite panel in the call fits a 320×640 phone: every control of it is reached by keyboard and seen', async ({
  browser,
}) => {
  const clerk = await openDoorAsClerk(browser, STAFF.anna, 'buergeramt');
  const citizen = await newPerson(browser);
  await clerk.page.setViewportSize({ width: 320, height: 640 });

  try {
    const visit = await knockViaApi(citizen, 'buergeramt', { name: 'Erika Mustermann', concern: 'Ummeldung' });
    await admitViaApi(clerk, clerk.departmentId, visit.id);
    await Promise.all([citizen.page.goto(`/call/${visit.id}`), clerk.page.goto(`/call/${visit.id}`)]);
    await Promise.all([passDeviceCheck(citizen), passDeviceCheck(clerk)]);
    await expect(remoteTile(clerk.page)).toBeVisible({ timeout: 20_000 });

    const invite = clerk.page.getByRole('button', { name: 'Einladen' });
    await invite.focus();
    await clerk.page.keyboard.press('Enter');
    const panel = clerk.page.getByTestId('invite-panel');
    const heading = panel.getByRole('heading', { name: 'Weitere Personen einladen' });
    // Opened, the panel's top and the button that opened it are both on the screen (the panel,
    // taller than the screen, came in with its heading at the screen's foot, the button below it).
    await expect(heading).toBeInViewport({ ratio: 1 });
    await expect(invite).toBeInViewport({ ratio: 1 });
    await expect(clerk.page.getByRole('button', { name: 'Verlassen' })).toBeInViewport({ ratio: 1 });
    // A link made: the panel at its tallest, with the link, its copy button and the e-mail form.
    await panel.getByRole('button', { name: 'Einladungslink erstellen' }).click();
    await expect(panel.getByTestId('invite-item')).toHaveCount(1);
    await expect(invite).toBeInViewport({ ratio: 1 });
    // Tab from "Einladen" through the whole panel: each control is on the screen when it has the
    // focus, and so is the bar's row of buttons.
    await invite.focus();
    const seen: string[] = [];
    for (let step = 0; step < 40; step += 1) {
      await clerk.page.keyboard.press('Tab');
      const focused = await panel.evaluate((node) => {
        const element = document.activeElement;
        if (!element || !node.contains(element)) return null;
        const box = element.getBoundingClientRect();
        // On the screen, and not cut off by the panel's own edges, in case it scrolls within itself.
        const room = node.parentElement?.getBoundingClientRect() ?? { top: 0, bottom: window.innerHeight };
        const top = Math.max(0, room.top);
        const bottom = Math.min(window.innerHeight, room.bottom);
        return {
          name: `${element.tagName} ${element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40) ?? ''}`,
          inView: box.top >= top - 1 && box.bottom <= bottom + 1 && box.left >= 0 && box.right <= window.innerWidth,
          box: [box.top, box.bottom, window.innerHeight].map(Math.round).join(' '),
        };
      });
      if (!focused) break;
      seen.push(`${focused.name}: ${focused.inView ? 'in view' : `out of view (${focused.box})`}`);
      if (focused.inView) await expect(invite, focused.name).toBeInViewport({ ratio: 1 });
    }
    expect(seen.filter((line) => line.includes('out of view'))).toEqual([]);
    expect(seen.length).toBeGreaterThan(3);
    // Past the panel, on to the next button of the bar.
    await expect(clerk.page.getByRole('button', { name: 'Verlassen' })).toBeFocused();
    await expectNoA11yViolations(clerk.page);
  } finally {
    await tidyDepartment(clerk, clerk.departmentId);
    await citizen.context.close();
    await clerk.context.close();
  }
});
