import type { Locator, Page } from '@playwright/test';
import { expect, mainHeading, switchLanguage, test } from './fixtures';
import {
  ADMINS,
  STAFF,
  admitViaApi,
  finishViaApi,
  knockViaApi,
  openDoorAsClerk,
  peoplePerTest,
  signInAsAdmin,
  tidyDepartment,
  type Person,
} from './support';
import { makeInviteLink } from './call-support';

// People who set their browser's text to 200 % (WCAG 1.4.4) on a 320 px phone (WCAG 1.4.10): the
// citizen's pages reflow, nothing needs sideways scrolling. The app's sizes are in rem from a root
// of 100 %, so they follow the browser's font-size setting; the tests set that setting itself
// (Chromium's default font size), which media queries in rem follow too, as they do on a phone.
test.describe.configure({ timeout: 180_000 });

const people = peoplePerTest();

/** The browser's default text size, as in its settings: 16 px is 100 %. */
async function setTextSize(page: Page, percent: number): Promise<void> {
  const session = await page.context().newCDPSession(page);
  await session.send('Page.setFontSizes', {
    fontSizes: { standard: (16 * percent) / 100, fixed: (13 * percent) / 100 },
  });
}

/** No sideways scrolling; if there is, the message names the elements that stick out. */
async function expectNoSidewaysScrolling(page: Page, where: string): Promise<void> {
  const found = await page.evaluate(() => {
    const root = document.documentElement;
    // What sticks out of a region that scrolls (or clips) by itself does not widen the page.
    const inRegion = (element: Element) => {
      for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible') return true;
      }
      return false;
    };
    const out = (element: Element) =>
      element.getBoundingClientRect().right > root.clientWidth + 0.5 && !inRegion(element);
    const culprits = Array.from(document.body.querySelectorAll('*'))
      .filter((element) => out(element) && !Array.from(element.children).some(out))
      .slice(0, 5)
      .map(
        (element) =>
          `<${element.tagName.toLowerCase()} class="${element.className}"> ` +
          `(right ${String(Math.round(element.getBoundingClientRect().right))} px) ${element.textContent ?? ''}`,
      );
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits };
  });
  expect(found.scrollWidth, `sideways scrolling: ${where}\n${found.culprits.join('\n')}`).toBeLessThanOrEqual(
    found.clientWidth,
  );
}

/** The knock form, sent empty: its error summary is shown. */
async function knockFormWithErrors(page: Page): Promise<Locator> {
  const form = page.getByRole('form', { name: /Anklopfen|Knock/ });
  await form.getByRole('button', { name: /Anklopfen|Knock/ }).click();
  const summary = page.getByTestId('error-summary');
  await expect(summary.getByRole('link')).toHaveCount(3);
  return summary;
}

test('at 200 % text on a 320 px phone, the municipality, a door with a long German name and the knock form with its errors need no sideways scrolling', async ({
  browser,
  page,
}) => {
  // A department whose name and description have words wider than the phone's line.
  const amelie = people.add(await people.open(browser));
  await signInAsAdmin(amelie, ADMINS.amelie);
  const slug = `zulassung-${Date.now().toString(36)}`;
  const api = `/api/admin/tenants/testhausen/departments`;
  const created = await amelie.request.post(api, {
    data: {
      slug,
      name: { de: 'Kraftfahrzeugzulassungsstelle und Bürgerangelegenheiten', en: 'Vehicle registration office' },
      description: { de: 'Fahrerlaubnisangelegenheiten, Straßenverkehrsangelegenheiten, Personenstandsurkunden' },
      contact: { email: 'kraftfahrzeugzulassungsstelle@testhausen.example', room: 'Verwaltungsgebäude' },
      openingHours: { mon: [], tue: [], wed: [{ from: '08:00', to: '12:30' }], thu: [], fri: [], sat: [], sun: [] },
    },
    headers: { 'X-Forwarded-For': amelie.address },
  });
  expect(created.status(), await created.text()).toBe(201);
  people.tidyWith(async () => {
    const archived = await amelie.request.post(`${api}/${slug}/archive`, { data: { confirmAffected: 0 } });
    expect(archived.status(), await archived.text()).toBe(200);
  });

  await page.setViewportSize({ width: 320, height: 640 });
  await setTextSize(page, 200);
  await page.goto('/testhausen');
  await expect(page.getByRole('link', { name: /^Kraftfahrzeugzulassungsstelle/ })).toBeVisible();
  await expectNoSidewaysScrolling(page, 'the municipality with the long name');
  await page.goto('/musterstadt');
  await expect(mainHeading(page)).toHaveText('Stadt Musterstadt');
  await expectNoSidewaysScrolling(page, 'Stadt Musterstadt');
  await page.goto(`/testhausen/${slug}`);
  await expect(mainHeading(page)).toHaveText('Kraftfahrzeugzulassungsstelle und Bürgerangelegenheiten');
  await expect(page.getByTestId('opening-hours')).toBeVisible();
  await expectNoSidewaysScrolling(page, 'the door with the long name');

  // The knock form of an open door, with its error summary.
  const clerk = people.add(await openDoorAsClerk(browser, STAFF.anna, 'buergeramt'));
  people.tidyWith(async () => {
    await tidyDepartment(clerk, clerk.departmentId);
    const archived = await amelie.request.post(`${api}/${slug}/archive`, { data: { confirmAffected: 0 } });
    expect(archived.status(), await archived.text()).toBe(200);
  });
  await page.goto('/musterstadt/buergeramt');
  await knockFormWithErrors(page);
  await expectNoSidewaysScrolling(page, 'the knock form with its errors');
});

/**
 * The places in `element`'s text where a line ends inside a word: the last letters before the
 * break and the first after it. A break after a space or a hyphen is a break between words.
 */
async function breaksInsideWords(element: Locator): Promise<string[]> {
  return element.evaluate((root) => {
    const found: string[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      let lastTop: number | null = null;
      for (let index = 0; index < text.length; index += 1) {
        const range = document.createRange();
        range.setStart(node, index);
        range.setEnd(node, index + 1);
        const rect = range.getBoundingClientRect();
        if (rect.width === 0 && rect.height === 0) continue;
        if (lastTop !== null && rect.top > lastTop + 1 && !/[\s\u00ad-]/.test(text.charAt(index - 1))) {
          found.push(`${text.slice(Math.max(0, index - 8), index)}|${text.slice(index, index + 8)}`);
        }
        lastTop = rect.top;
      }
    }
    return found;
  });
}

test('on a 320 px phone, the knock form’s error summary wraps its German and English words at spaces, none cut between two letters', async ({
  browser,
  page,
}) => {
  const clerk = people.add(await openDoorAsClerk(browser, STAFF.anna, 'buergeramt'));
  people.tidyWith(() => tidyDepartment(clerk, clerk.departmentId));
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/musterstadt/buergeramt');
  const summary = await knockFormWithErrors(page);
  // "Bitte stimmen Sie den Datenschutzhinweisen zu." broke as "Datenschutzhinweis|en".
  await expect(summary).toContainText('Datenschutzhinweisen');
  expect(await breaksInsideWords(summary), 'lines ending inside a word (German)').toEqual([]);
  await switchLanguage(page, 'en');
  await expect(summary).toContainText('privacy');
  expect(await breaksInsideWords(summary), 'lines ending inside a word (English)').toEqual([]);
});

/** A citizen's page as the loop below visits it: reached, then shown with its heading. */
interface CitizenPage {
  name: string;
  open: (person: Person) => Promise<void>;
}

test('every citizen page fits a 320 px phone at 100 % and at 200 % text, without sideways scrolling', async ({
  browser,
}) => {
  const clerk = people.add(await openDoorAsClerk(browser, STAFF.anna, 'buergeramt'));
  people.tidyWith(() => tidyDepartment(clerk, clerk.departmentId));
  const citizen = people.add(await people.open(browser));
  const heading = (person: Person) => expect(mainHeading(person.page)).toBeVisible();

  // A citizen waiting, one whose call has ended, and a link inviting someone to a call (a clerk is
  // in one call at a time: the ended one first).
  const waiting = await knockViaApi(citizen, 'buergeramt', { name: 'Erika Mustermann', concern: 'Ummeldung' });
  const ended = people.add(await people.open(browser));
  const endedVisit = await knockViaApi(ended, 'buergeramt', { name: 'Ida Ende', concern: 'Führungszeugnis' });
  await admitViaApi(clerk, clerk.departmentId, endedVisit.id);
  await finishViaApi(clerk, clerk.departmentId, endedVisit.id);
  const called = people.add(await people.open(browser));
  const visit = await knockViaApi(called, 'buergeramt', { name: 'Jonas Becker', concern: 'Personalausweis' });
  await admitViaApi(clerk, clerk.departmentId, visit.id);
  const invite = await makeInviteLink(clerk, visit.id, { role: 'interpreter', label: 'Dolmetscherin' });
  const invited = people.add(await people.open(browser));

  const pages: (CitizenPage & { person: Person })[] = [
    { name: 'home', person: citizen, open: async (p) => void (await p.page.goto('/')) },
    { name: 'municipality', person: citizen, open: async (p) => void (await p.page.goto('/musterstadt')) },
    { name: 'door', person: called, open: async (p) => void (await p.page.goto('/musterstadt/fundbuero')) },
    {
      name: 'knock form with errors',
      person: invited,
      open: async (p) => {
        await p.page.goto('/musterstadt/buergeramt');
        await knockFormWithErrors(p.page);
      },
    },
    {
      name: 'waiting room',
      person: citizen,
      open: async (p) => {
        await p.page.goto('/musterstadt/buergeramt/wait');
        await expect(p.page.getByTestId('position')).toBeVisible();
      },
    },
    { name: 'booking', person: invited, open: async (p) => void (await p.page.goto('/testhausen/termine/termin')) },
    {
      name: 'booking, its details with errors',
      person: invited,
      open: async (p) => {
        await p.page.goto('/testhausen/termine/termin');
        await p.page.getByRole('button', { name: 'Weiter' }).click();
        await p.page.getByTestId('slot-list').getByRole('button').first().click();
        await p.page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
        await expect(p.page.getByTestId('error-summary').getByRole('link').first()).toBeVisible();
      },
    },
    {
      name: 'manage (no valid link)',
      person: invited,
      open: async (p) => void (await p.page.goto('/termin#kein-link')),
    },
    {
      name: 'join (no valid link)',
      person: invited,
      open: async (p) => void (await p.page.goto(`/termin/beitreten#${'A'.repeat(43)}`)),
    },
    { name: 'invite', person: invited, open: async (p) => void (await p.page.goto(invite)) },
    { name: 'imprint', person: invited, open: async (p) => void (await p.page.goto('/musterstadt/impressum')) },
    { name: 'privacy', person: invited, open: async (p) => void (await p.page.goto('/musterstadt/datenschutz')) },
    {
      name: 'accessibility statement',
      person: invited,
      open: async (p) => void (await p.page.goto('/musterstadt/barrierefreiheit')),
    },
    { name: 'questions', person: invited, open: async (p) => void (await p.page.goto('/musterstadt/fragen')) },
    { name: 'call ended', person: ended, open: async (p) => void (await p.page.goto(`/call/${endedVisit.id}/ended`)) },
  ];
  expect(waiting.state).toBe('waiting');

  const everyone = [citizen, called, invited, ended];
  for (const person of everyone) await person.page.setViewportSize({ width: 320, height: 640 });
  for (const percent of [100, 200]) {
    for (const person of everyone) await setTextSize(person.page, percent);
    for (const { name, person, open } of pages) {
      await open(person);
      await heading(person);
      await expectNoSidewaysScrolling(person.page, `${name} at ${String(percent)} % text`);
    }
  }
});

// WCAG 1.4.10 for the clerk's side too: a clerk with large text on a phone used to scroll the
// console sideways (355 px wide at 200 % text on a 320 px screen).
test('at 200 % text on a 320 px phone, the clerk’s console with people waiting needs no sideways scrolling, in German and English', async ({
  browser,
}) => {
  const clerk = people.add(await openDoorAsClerk(browser, STAFF.anna, 'buergeramt'));
  people.tidyWith(() => tidyDepartment(clerk, clerk.departmentId));
  const citizen = people.add(await people.open(browser));
  await knockViaApi(citizen, 'buergeramt', { name: 'Erika Mustermann', concern: 'Ummeldung' });
  const { page } = clerk;
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`/staff/${clerk.departmentId}`);
  await expect(mainHeading(page)).toHaveText('Bürgeramt');
  for (const percent of [100, 200]) {
    await setTextSize(page, percent);
    await expect(page.getByTestId('queue').getByText('Erika Mustermann')).toBeVisible();
    await expectNoSidewaysScrolling(page, `console at ${String(percent)} % text`);
  }
  await switchLanguage(page, 'en');
  await expect(mainHeading(page)).toHaveText('Citizens’ Office');
  await expectNoSidewaysScrolling(page, 'console at 200 % text, in English');
});
