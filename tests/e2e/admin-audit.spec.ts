import fs from 'node:fs/promises';
import { expect, expectNoA11yViolations, mainHeading, switchLanguage, test } from './fixtures';
import { ADMINS, peoplePerTest, signInAsAdmin } from './support';

const people = peoplePerTest();

test('a municipality admin reads, filters and downloads the audit log, also at 320 px', async ({ browser }) => {
  // The sign-in waits for the next authenticator code when the spec before used this one (up to 30 s).
  test.setTimeout(90_000);
  const amelie = await people.open(browser);
  const me = await signInAsAdmin(amelie, ADMINS.amelie);
  const termine = me.staff.departments.find((d) => d.slug === 'termine' && d.tenantSlug === 'testhausen');
  expect(termine, 'amelie administers testhausen/termine').toBeDefined();
  // Something of her own to find: the door set to follow the opening hours (what it does anyway).
  const door = await amelie.request.put(`/api/staff/departments/${termine!.id}/door`, {
    data: { state: 'auto' },
    headers: { 'X-Forwarded-For': amelie.address },
  });
  expect(door.status()).toBe(200);

  const { page } = amelie;
  // Reached by its link, the log has the focus on its heading once loaded (it fell to <body>).
  await page.goto('/admin/testhausen');
  await page.getByRole('link', { name: 'Protokoll', exact: true }).click();
  await expect(mainHeading(page)).toHaveText('Protokoll');
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toBeVisible();
  await expect(mainHeading(page)).toBeFocused();
  await expectNoA11yViolations(page);

  // Filter by keyboard: the kind of action and the person, then Enter in the form.
  await page.getByLabel('Art der Aktion').selectOption({ label: 'Tür' });
  await page.getByLabel('Person', { exact: true }).selectOption({ label: 'Amelie Admin' });
  await page.getByLabel('Besuchs-ID').press('Enter');
  // The newest entry is this test's own door change either way: wait until every row shown is one
  // (the filtered list has replaced the whole log), not only the first.
  await expect
    .poll(async () => new Set(await rows.evaluateAll((list) => list.map((row) => row.getAttribute('data-action')))))
    .toEqual(new Set(['door.changed']));
  await expect(rows.first()).toContainText('Tür umgestellt');
  await expect(rows.first()).toContainText('Amelie Admin');
  // The details in the page's language: the door's new state in words, no internal key or code.
  const details = rows.first().getByRole('cell').last();
  await expect(details).toHaveText('Tür: Nach Öffnungszeiten');

  // A wrong visit id is explained next to its field.
  await page.getByLabel('Besuchs-ID').fill('kein-besuch');
  await page.getByRole('button', { name: 'Filter anwenden' }).click();
  await expect(page.getByText('Eine Besuchs-ID hat 36 Zeichen', { exact: false }).first()).toBeVisible();
  await expect(page.getByLabel('Besuchs-ID')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Besuchs-ID').fill('');
  await page.getByRole('button', { name: 'Filter anwenden' }).click();
  await expect(rows.first()).toHaveAttribute('data-action', 'door.changed');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Als CSV herunterladen (Excel)' }).click(),
  ]);
  const csv = await fs.readFile(await download.path());
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = csv.subarray(3).toString('utf8').split('\r\n');
  // The action and its data in words for people, and their codes beside them for filters and scripts.
  expect(lines[0]).toBe('"Zeit";"Person";"Aktion";"Code der Aktion";"Amt";"Besuch";"Daten";"Daten als Codes"');
  expect(lines[1]).toMatch(
    /^"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d";"Amelie Admin";"Tür umgestellt";"door\.changed";"[^"]+";"";"Tür: Nach Öffnungszeiten";"state=auto"$/,
  );

  await switchLanguage(page, 'en');
  await expect(mainHeading(page)).toHaveText('Audit log');
  await expect(rows.first()).toContainText('Door changed');
  await expect(details).toHaveText('Door: By opening hours');
  const [downloadEn] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download as CSV (Excel)' }).click(),
  ]);
  const linesEn = (await fs.readFile(await downloadEn.path())).subarray(3).toString('utf8').split('\r\n');
  expect(linesEn[0]).toBe('"Time";"Actor";"Action";"Action code";"Department";"Visit";"Data";"Data as codes"');
  expect(linesEn[1]).toContain('"Amelie Admin";"Door changed";"door.changed";');
  expect(linesEn[1]).toMatch(/;"Door: By opening hours";"state=auto"$/);

  await page.setViewportSize({ width: 320, height: 720 });
  await expect(rows.first()).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await expectNoA11yViolations(page);

  // The municipality as an installation file, from its admin page (only an API address before).
  await page.goto('/admin/testhausen');
  const [exported] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download the municipality as an installation file (JSON)' }).click(),
  ]);
  expect(exported.suggestedFilename()).toBe('testhausen.installation.json');
  const file = JSON.parse(await fs.readFile(await exported.path(), 'utf8')) as { tenants: { slug: string }[] };
  expect(file.tenants[0]?.slug).toBe('testhausen');
});
