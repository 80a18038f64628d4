import { BookingRulesSchema, OwnAbsencesSchema, SlotsResponseSchema } from '@amtsraum/shared';
import {
  expect,
  expectAccessibleAlsoAt320,
  expectNoA11yViolations,
  expectTitleOfLoadedPage,
  mainHeading,
  switchLanguage,
  test,
} from './fixtures';
import {
  ADMINS,
  expectNoBrowserErrors,
  peoplePerTest,
  signInAsAdmin,
  signInAsStaff,
  tabTo,
  TESTHAUSEN_PASSWORD,
} from './support';

// Issue 15's two screens that had an API only, against tests/e2e/installation.e2e.json: Amelie
// administers Testhausen and its "termine", whose clerk is Clara. One test, so Amelie's code from
// the authenticator is used once (a second sign-in within 30 seconds waits for the next code).

const TENANT = 'testhausen';
const CLARA = 'clara.klein@testhausen.example';
const PROVIDER_API = `/api/admin/tenants/${TENANT}/identity-provider`;
const RULES_API = `/api/admin/tenants/${TENANT}/departments/termine/booking-rules`;
const PUBLIC_API = `/api/tenants/${TENANT}/departments/termine`;
const SECRET = 'sehr-geheimes-client-secret';

const people = peoplePerTest();

/** A date (YYYY-MM-DD, Berlin) `days` from today: beyond the booking horizon (60 days), so no booking is hit. */
function dateIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' });
}

test('the identity provider is set up by keyboard, and a clerk enters and removes an own absence', async ({
  browser,
}) => {
  // Six axe-core runs and three people: 1.6 minutes on the shared machine under load.
  test.setTimeout(120_000);
  const amelie = await people.open(browser);
  await signInAsAdmin(amelie, ADMINS.amelie);
  const clara = await people.open(browser);
  const claraMe = await signInAsStaff(clara, CLARA, TESTHAUSEN_PASSWORD);
  const termineId = claraMe.staff.departments.find((d) => d.slug === 'termine')!.id;
  const ownApi = `/api/staff/departments/${termineId}/absences`;
  const rules = BookingRulesSchema.parse(
    ((await (await amelie.request.get(RULES_API)).json()) as { rules: unknown }).rules,
  );
  let appointmentId: string | null = null;
  // Other specs expect Testhausen without a provider, clerks who do not enter absences, free slots.
  people.tidyWith(async () => {
    await amelie.request.delete(PROVIDER_API);
    if (appointmentId) {
      await clara.request.post(`/api/staff/departments/${termineId}/appointments/${appointmentId}/cancel`, {
        data: {},
      });
    }
    const own = OwnAbsencesSchema.parse(await (await clara.request.get(ownApi)).json());
    if (own.allowed) for (const absence of own.absences) await clara.request.delete(`${ownApi}/${absence.id}`);
    await amelie.request.put(RULES_API, { data: rules });
  });

  // -- The identity provider, from the municipality's admin page, by keyboard only.
  const admin = amelie.page;
  await admin.goto(`/admin/${TENANT}`);
  const link = admin.getByRole('link', { name: 'Anmeldung über den Identity Provider' });
  await tabTo(admin, link);
  await admin.keyboard.press('Enter');
  await expect(mainHeading(admin)).toHaveText('Anmeldung über den Identity Provider');
  await expect(admin.getByTestId('identity-provider-state')).toHaveText('Noch nicht eingerichtet.');
  await expect(admin.getByTestId('identity-provider-redirect-uri')).toHaveValue(
    /^https?:\/\/[^/]+\/api\/auth\/oidc\/testhausen\/callback$/,
  );

  // Sent empty: the problems are named next to their fields, and the summary takes the focus.
  const form = admin.getByTestId('identity-provider-form');
  const save = form.getByRole('button', { name: 'Einstellungen speichern' });
  await save.focus();
  await admin.keyboard.press('Enter');
  await expect(form.getByTestId('error-summary')).toBeFocused();
  await expect(form.locator('.field__error').first()).toHaveText(
    'Bitte geben Sie die Issuer-URL als https-Adresse ohne ? und # an.',
  );
  await expect(form.getByRole('textbox', { name: 'Issuer-URL' })).toHaveAttribute('aria-invalid', 'true');

  const type = async (name: string | RegExp, text: string) => {
    await form.getByRole('textbox', { name }).focus();
    await admin.keyboard.type(text);
  };
  await type('Issuer-URL', 'https://login.testhausen.example/realms/rathaus');
  await type('Client-ID', 'amtsraum-testhausen');
  await form.getByLabel('Client-Secret', { exact: true }).focus();
  await admin.keyboard.type(SECRET);
  await type('Deutsch', 'Rathaus-Konto');
  await type(/^Englisch/, 'Town hall account');
  const addRule = form.getByRole('button', { name: 'Regel hinzufügen' });
  await tabTo(admin, addRule);
  await admin.keyboard.press('Enter');
  await type('Gruppe (Wert des Claims), Regel 1', 'termine-team');
  // The role stays "clerk in a department"; the first department is chosen with the arrow key.
  await form.getByRole('combobox', { name: 'Amt, Regel 1' }).focus();
  await admin.keyboard.press('ArrowDown');
  await expect(form.getByRole('combobox', { name: 'Amt, Regel 1' })).toHaveValue('termine');
  await form.getByRole('checkbox', { name: 'Bei der ersten Anmeldung ein Konto anlegen' }).focus();
  await admin.keyboard.press('Space');
  await save.focus();
  await admin.keyboard.press('Enter');
  await expect(admin.getByTestId('identity-provider-status')).toHaveText('Die Einstellungen sind gespeichert.');
  await expect(admin.getByTestId('identity-provider-state')).toHaveText(/^Eingerichtet und eingeschaltet/);

  // Read back after a reload: everything but the secret, of which only that one is stored.
  await admin.reload();
  await expect(form.getByRole('textbox', { name: 'Issuer-URL' })).toHaveValue(
    'https://login.testhausen.example/realms/rathaus',
  );
  await expect(form.getByRole('textbox', { name: 'Client-ID' })).toHaveValue('amtsraum-testhausen');
  await expect(form.getByRole('textbox', { name: 'Deutsch' })).toHaveValue('Rathaus-Konto');
  await expect(form.getByRole('textbox', { name: 'Gruppe (Wert des Claims), Regel 1' })).toHaveValue('termine-team');
  await expect(form.getByRole('combobox', { name: 'Amt, Regel 1' })).toHaveValue('termine');
  await expect(form.getByRole('checkbox', { name: 'Bei der ersten Anmeldung ein Konto anlegen' })).toBeChecked();
  await expect(form.getByTestId('identity-provider-secret-stored')).toHaveText(
    'Ein Client-Secret ist gespeichert. Es wird nicht angezeigt.',
  );
  await expect(form.getByRole('radio', { name: 'Gespeichertes Client-Secret behalten' })).toBeChecked();
  const values = await admin.locator('input').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
  expect(values).not.toContain(SECRET);
  await expect(admin.locator('body')).not.toContainText(SECRET);
  await expectAccessibleAlsoAt320(admin);

  // Removing asks once more; the answer moves the keyboard to the question.
  await admin.getByRole('button', { name: 'Entfernen …' }).focus();
  await admin.keyboard.press('Enter');
  await expect(admin.getByText('Wirklich entfernen?')).toBeFocused();
  await expectNoA11yViolations(admin);
  await admin.getByRole('button', { name: 'Ja, endgültig entfernen' }).focus();
  await admin.keyboard.press('Enter');
  await expect(admin.getByTestId('identity-provider-status')).toHaveText(
    'Die Anmeldung über den Identity Provider ist entfernt.',
  );
  await expect(admin.getByTestId('identity-provider-state')).toHaveText('Noch nicht eingerichtet.');

  // -- Clara's own absences: first where the department does not allow them.
  const page = clara.page;
  await page.goto('/staff');
  await page.getByRole('link', { name: 'Meine Abwesenheiten (Terminbüro)' }).click();
  await expect(mainHeading(page)).toHaveText('Meine Abwesenheiten');
  await expect(page.getByTestId('absences-not-allowed')).toContainText('tragen Mitarbeitende ihre Abwesenheiten');
  await expect(page.getByTestId('absence-form')).toHaveCount(0);

  const allowed = await amelie.request.put(RULES_API, { data: { ...rules, clerksManageAbsences: true } });
  expect(allowed.status()).toBe(200);
  // Allowed meanwhile: once the tab is shown again the page says so, without a reload.
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(page.getByTestId('absences-not-allowed')).toHaveCount(0);
  await expect(page.getByTestId('absences-none')).toBeVisible();
  const day = dateIn(75);
  const absenceForm = page.getByTestId('absence-form');
  await absenceForm.getByLabel('Erster Tag').fill(day);
  await absenceForm.getByRole('textbox', { name: 'Grund (freiwillig)' }).fill('Fortbildung');
  await absenceForm.getByRole('button', { name: 'Abwesenheit eintragen' }).click();
  await expect(page.getByTestId('absences-status')).toHaveText('Die Abwesenheit ist eingetragen.');
  await expect(page.getByTestId('absence')).toHaveCount(1);
  await expect(page.getByTestId('absence')).toContainText(/ganztägig \(Fortbildung\)/);
  await expectAccessibleAlsoAt320(page);

  await page
    .getByTestId('absence')
    .getByRole('button', { name: /^Entfernen/ })
    .click();
  await expect(page.getByTestId('absences-status')).toHaveText('Die Abwesenheit ist entfernt.');
  await expect(page.getByTestId('absences-none')).toBeVisible();

  // An absence over a booked appointment is refused: the page lists it and says whom to ask.
  const citizen = await people.open(browser);
  const bookedDay = dateIn(52);
  const slots = SlotsResponseSchema.parse(
    await (await citizen.request.get(`${PUBLIC_API}/slots?services=beratung&from=${bookedDay}&days=1`)).json(),
  );
  const booked = await citizen.request.post(`${PUBLIC_API}/appointments`, {
    data: {
      services: ['beratung'],
      persons: 1,
      startsAt: slots.days[0]!.slots[0]!.startsAt,
      name: 'Erika Mustermann',
      email: `abwesenheit.${Date.now().toString(36)}@example.org`,
      language: 'de',
      consent: true,
    },
  });
  expect(booked.status()).toBe(201);
  appointmentId = ((await booked.json()) as { appointment: { id: string } }).appointment.id;
  await absenceForm.getByLabel('Erster Tag').fill(bookedDay);
  await absenceForm.getByRole('button', { name: 'Abwesenheit eintragen' }).click();
  const collision = page.getByTestId('absence-collision');
  await expect(collision).toBeFocused();
  await expect(collision).toContainText('In dieser Zeit ist bei Ihnen ein Termin gebucht.');
  await expect(collision).toContainText('Bitte wenden Sie sich an die Verwaltung des Amts');
  await expect(collision.getByRole('listitem')).toHaveCount(1);
  await expect(page.getByTestId('absences-none')).toBeVisible();
  await expectNoA11yViolations(page);

  // The day typed and not entered: leaving by a link asks first, and "cancel" keeps it.
  const asked = new Promise<string>((resolve) =>
    page.once('dialog', (dialog) => {
      resolve(dialog.message());
      void dialog.dismiss();
    }),
  );
  await page.getByRole('link', { name: 'Zu Ihren Ämtern' }).click();
  expect(await asked).toContain('Änderungen noch nicht gespeichert');
  await expect(mainHeading(page)).toHaveText('Meine Abwesenheiten');
  await expect(absenceForm.getByLabel('Erster Tag')).toHaveValue(bookedDay);

  // Chromium logs the 409 that brought the list; nothing else may go wrong.
  expect(clara.errors.filter((error) => !/status of 409/.test(error))).toEqual([]);
  expectNoBrowserErrors(amelie, citizen);
});

test('every admin page leads back where it came from, by keyboard; the legal texts are labelled in German', async ({
  browser,
}) => {
  // Two admins' codes (each may wait for the next 30-second code) and two axe-core runs.
  test.setTimeout(120_000);
  const amelie = await people.open(browser);
  await signInAsAdmin(amelie, ADMINS.amelie);
  const { page } = amelie;
  // Both ends of each way back are loaded pages whose title must name them.
  const back = async (from: string, link: string, to: string) => {
    await page.goto(from);
    await expectTitleOfLoadedPage(page);
    const target = page.getByRole('main').getByRole('link', { name: link, exact: true });
    await tabTo(page, target);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`${to}$`));
    await expectTitleOfLoadedPage(page);
  };
  await back(`/admin/${TENANT}/staff`, 'Zurück zur Verwaltung der Kommune', `/admin/${TENANT}`);
  await back(`/admin/${TENANT}/texts`, 'Zurück zur Verwaltung der Kommune', `/admin/${TENANT}`);
  await back(`/admin/${TENANT}/audit`, 'Zurück zur Verwaltung der Kommune', `/admin/${TENANT}`);
  await back(`/admin/${TENANT}/departments/termine/services`, 'Zurück zum Amt', `/admin/${TENANT}/departments/termine`);
  await back(
    `/admin/${TENANT}/departments/termine/availability`,
    'Zurück zum Amt',
    `/admin/${TENANT}/departments/termine`,
  );
  await back(`/admin/${TENANT}/departments/termine/devices`, 'Zurück zum Amt', `/admin/${TENANT}/departments/termine`);
  await back('/staff/profile', 'Zurück zu Ihren Ämtern', '/staff');

  // A field per language is named in the page's language, as on the services page.
  await page.goto(`/admin/${TENANT}/texts`);
  const imprint = page.getByTestId('admin-text-imprint');
  await expect(imprint.getByRole('textbox', { name: 'Text (Englisch)' })).toBeVisible();
  await expect(page.getByText('(English)')).toHaveCount(0);
  // A missing German text is named beside its field, which gets the focus; nothing is saved.
  const german = imprint.getByRole('textbox', { name: 'Text (Deutsch)' });
  await german.fill('');
  await imprint.getByRole('button', { name: 'Impressum speichern' }).click();
  await expect(german).toBeFocused();
  await expect(german).toHaveAttribute('aria-invalid', 'true');
  await expect(imprint.locator('.field__error')).toHaveText(
    'Dieses Feld ist leer. Bitte schreiben Sie Ihren Text, oder verwenden Sie den Standardtext.',
  );
  await expect(imprint.getByRole('alert')).toHaveText('Bitte prüfen Sie die markierten Felder.');
  // The FAQ is a list per language. A new German question left empty: its question and answer are
  // named, not a schema path.
  const faq = page.getByTestId('admin-text-faq');
  const faqGerman = faq.getByRole('region', { name: 'Fragen und Antworten (Deutsch)' });
  await faqGerman.getByRole('button', { name: 'Frage hinzufügen (Deutsch)' }).click();
  await faq.getByRole('button', { name: 'Häufige Fragen speichern' }).click();
  await expect(faq.locator('.field__error')).toHaveText([
    'Bitte geben Sie die Frage ein.',
    'Bitte geben Sie die Antwort ein.',
  ]);
  await expect(faq.getByRole('alert')).not.toContainText('faq.');
  await expectAccessibleAlsoAt320(page);
  // Removing the last question by keyboard leaves the focus on the question before it; removing
  // every question, on "add question" (nothing saved: the page is reloaded below).
  const questions = await faqGerman.getByRole('group').count();
  expect(questions).toBeGreaterThan(1);
  for (let count = questions; count > 0; count -= 1) {
    const remove = faqGerman.getByRole('button', { name: `Frage ${String(count)} (Deutsch) entfernen` });
    // From the question before (where the last removal left the focus) on to its remove button.
    await (count === questions ? remove.focus() : tabTo(page, remove));
    await page.keyboard.press('Enter');
    await expect(faqGerman.getByRole('group')).toHaveCount(count - 1);
    await expect(
      count > 1
        ? faqGerman
            .getByRole('group', { name: `Frage ${String(count - 1)} (Deutsch)`, exact: true })
            .getByRole('textbox')
            .first()
        : faqGerman.getByRole('button', { name: 'Frage hinzufügen (Deutsch)' }),
    ).toBeFocused();
  }
  await page.reload();
  await expect(imprint.getByText('Zurzeit wird in allen Sprachen der Standardtext gezeigt.')).toBeVisible();
  // Each field says whether it holds the default or the municipality's own text, and its
  // textbox is described by that line.
  const germanState = 'Deutsch: Standardtext. Er folgt den Änderungen des Standards, bis Sie ihn bearbeiten.';
  const englishState = 'Englisch: Standardtext. Er folgt den Änderungen des Standards, bis Sie ihn bearbeiten.';
  await expect(imprint.getByRole('textbox', { name: 'Text (Deutsch)' })).toHaveAccessibleDescription(germanState);
  await expect(imprint.getByRole('textbox', { name: 'Text (Englisch)' })).toHaveAccessibleDescription(englishState);
  const englishDefault = await imprint.getByRole('textbox', { name: 'Text (Englisch)' }).inputValue();
  // Saving says so, the line above the text follows at once and the focus stays; so does resetting
  // (the page blinked through "loading", losing the notice and the focus, or said "Standardtext"
  // after a save until a reload).
  await imprint.getByRole('textbox', { name: 'Text (Deutsch)' }).fill('Gemeinde Testhausen, Rathausplatz 1.');
  await expect(imprint.getByRole('textbox', { name: 'Text (Deutsch)' })).toHaveAccessibleDescription(
    'Deutsch: Ihr eigener Text.',
  );
  const saveImprint = imprint.getByRole('button', { name: 'Impressum speichern' });
  await saveImprint.focus();
  await page.keyboard.press('Enter');
  await expect(
    imprint.getByText('Zurzeit wird Ihr eigener Text gezeigt, in den Sprachen, die Sie geschrieben haben.'),
  ).toBeVisible();
  await expect(imprint.getByRole('status')).toHaveText('Gespeichert.');
  await expect(saveImprint).toBeFocused();
  // Only German was written: English was not stored as if the admin had written the default.
  const stored = (await (await page.request.get(`/api/admin/tenants/${TENANT}/texts`)).json()) as {
    texts: { kind: string; text: Record<string, string> | null }[];
  };
  expect(stored.texts.find((text) => text.kind === 'imprint')?.text).toEqual({
    de: 'Gemeinde Testhausen, Rathausplatz 1.',
  });
  await page.reload();
  await expect(imprint.getByRole('textbox', { name: 'Text (Englisch)' })).toHaveAccessibleDescription(englishState);
  await expect(imprint.getByRole('textbox', { name: 'Text (Englisch)' })).toHaveValue(englishDefault);
  // A language edited and then given back to the default by its button is the default again.
  await imprint.getByRole('textbox', { name: 'Text (Englisch)' }).fill('Own English');
  await imprint.getByRole('button', { name: 'Englisch: Standardtext verwenden' }).click();
  await expect(imprint.getByRole('textbox', { name: 'Text (Englisch)' })).toHaveValue(englishDefault);
  await expect(imprint.getByRole('textbox', { name: 'Text (Englisch)' })).toHaveAccessibleDescription(englishState);
  await imprint.getByRole('button', { name: 'Impressum: auf Standardtext zurücksetzen' }).focus();
  await page.keyboard.press('Enter');
  await expect(imprint.getByText('Zurzeit wird in allen Sprachen der Standardtext gezeigt.')).toBeVisible();
  await expect(imprint.getByRole('status')).toHaveText('Auf den Standardtext zurückgesetzt.');
  await expect(saveImprint).toBeFocused();

  // The FAQ in German alone: English is not stored beside it and goes on showing its default.
  const faqEnglish = faq.getByRole('region', { name: 'Fragen und Antworten (Englisch)' });
  const englishFaqState = 'Englisch: Standardtext. Er folgt den Änderungen des Standards, bis Sie ihn bearbeiten.';
  await expect(faqEnglish).toHaveAccessibleDescription(englishFaqState);
  const firstGerman = faqGerman.getByRole('group', { name: 'Frage 1 (Deutsch)', exact: true });
  await firstGerman.getByRole('textbox', { name: 'Frage' }).fill('Was ist das virtuelle Bürgerbüro in Testhausen?');
  await expect(faqGerman).toHaveAccessibleDescription('Deutsch: Ihr eigener Text.');
  await faq.getByRole('button', { name: 'Häufige Fragen speichern' }).click();
  await expect(faq.getByRole('status')).toHaveText('Gespeichert.');
  const storedFaq = (await (await page.request.get(`/api/admin/tenants/${TENANT}/texts`)).json()) as {
    texts: { kind: string; faq: Record<string, { question: string }[]> | null }[];
  };
  const ownFaq = storedFaq.texts.find((text) => text.kind === 'faq')?.faq;
  expect(Object.keys(ownFaq ?? {})).toEqual(['de']);
  expect(ownFaq?.de?.[0]?.question).toBe('Was ist das virtuelle Bürgerbüro in Testhausen?');
  await expect(faqEnglish).toHaveAccessibleDescription(englishFaqState);
  // The public page: German readers see the municipality's questions, English readers the default.
  const citizenPage = await page.context().newPage();
  await citizenPage.goto(`/${TENANT}/fragen`);
  await expect(citizenPage.getByRole('main').getByRole('heading', { level: 2 }).first()).toHaveText(
    'Was ist das virtuelle Bürgerbüro in Testhausen?',
  );
  await switchLanguage(citizenPage, 'en');
  await expect(citizenPage.getByRole('main').getByRole('heading', { level: 2 }).first()).toHaveText(
    'What is the virtual citizen office?',
  );
  await switchLanguage(citizenPage, 'de');
  await citizenPage.close();
  // Back to the default by the language's button: saving leaves nothing of the municipality's.
  await faqGerman.getByRole('button', { name: 'Deutsch: Standardtext verwenden' }).click();
  await expect(faqGerman).toHaveAccessibleDescription(
    'Deutsch: Standardtext. Er folgt den Änderungen des Standards, bis Sie ihn bearbeiten.',
  );
  await faq.getByRole('button', { name: 'Häufige Fragen speichern' }).click();
  await expect(faq.getByText('Zurzeit wird in allen Sprachen der Standardtext gezeigt.')).toBeVisible();

  const ines = await people.open(browser);
  await signInAsAdmin(ines, ADMINS.ines);
  await ines.page.goto('/admin/installation');
  await expectTitleOfLoadedPage(ines.page);
  const home = ines.page.getByRole('main').getByRole('link', { name: 'Zurück zur Verwaltung', exact: true });
  await tabTo(ines.page, home);
  await ines.page.keyboard.press('Enter');
  await expect(ines.page).toHaveURL(/\/admin$/);
  await expect(mainHeading(ines.page)).toHaveText('Verwaltung');
  expectNoBrowserErrors(amelie, ines);
});
