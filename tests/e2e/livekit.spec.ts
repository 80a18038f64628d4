import { CallJoinResponseSchema } from '@amtsraum/shared';
import type { Browser, Page } from '@playwright/test';
import { expectFrames, passDeviceCheck, remoteCamera, remoteTile } from './call-support';
import { expect, expectNoA11yViolations, mainHeading, switchLanguage, test } from './fixtures';
import {
  chunkUrls,
  STAFF,
  admitViaApi,
  expectNoBrowserErrors,
  finishViaApi,
  knockViaApi,
  newPerson,
  openDoorAsClerk,
  tidyDepartment,
  leaveCalls,
  type Person,
} from './support';

// What only a call through LiveKit has: its end-to-end encryption, and a media server that can be down.
// Runs in the `livekit` project only (playwright.config.ts).
test.describe.configure({ timeout: 150_000 });

/** A key other than the call's: what a participant would hold whose key was swapped or garbled. */
async function giveWrongKey(page: Page) {
  await page.route('**/api/calls/*/join', async (route) => {
    const response = await route.fetch();
    const grant = CallJoinResponseSchema.parse(await response.json());
    if (grant.transport !== 'livekit' || !grant.e2eeKey)
      throw new Error('expected an end-to-end encrypted LiveKit call');
    await route.fulfill({ response, json: { ...grant, e2eeKey: `${grant.e2eeKey.slice(1)}x` } });
  });
}

type Clerk = Awaited<ReturnType<typeof openDoorAsClerk>>;

/**
 * Anna at the Bürgeramt's door and a citizen in a browser of their own, for one test: `walk` gets
 * both. Afterwards both leave their calls (before the teardown ends the visits), the department is
 * tidied, and neither browser may have logged an error the walk did not take back.
 */
async function withClerkAndCitizen(browser: Browser, walk: (clerk: Clerk, citizen: Person) => Promise<void>) {
  const clerk = await openDoorAsClerk(browser, STAFF.anna, 'buergeramt');
  const citizen = await newPerson(browser);
  try {
    await walk(clerk, citizen);
  } finally {
    await leaveCalls(citizen, clerk);
    await tidyDepartment(clerk, clerk.departmentId);
    await citizen.context.close();
    await clerk.context.close();
  }
  expectNoBrowserErrors(citizen, clerk);
}

/** The citizen knocks and is let in; `beforeOpening` runs, then both open the call and pass the device check. */
async function intoTheCall(
  clerk: Clerk,
  citizen: Person,
  knock: { name: string; concern: string },
  beforeOpening: () => Promise<void> = async () => {},
) {
  const visit = await knockViaApi(citizen, 'buergeramt', knock);
  await admitViaApi(clerk, clerk.departmentId, visit.id);
  await beforeOpening();
  await Promise.all([citizen.page.goto(`/call/${visit.id}`), clerk.page.goto(`/call/${visit.id}`)]);
  await Promise.all([passDeviceCheck(citizen), passDeviceCheck(clerk)]);
  return visit;
}

test(
  'a participant with another key gets no decodable picture, and both sides are told whose media fails',
  { tag: '@sfu' },
  async ({ browser }) => {
    await withClerkAndCitizen(browser, async (clerk, citizen) => {
      await intoTheCall(clerk, citizen, { name: 'Erika Mustermann', concern: 'Ummeldung' }, () =>
        giveWrongKey(citizen.page),
      );

      // Each side learns that the other's picture and sound do not decrypt, by name.
      await expect(citizen.page.getByTestId('undecryptable')).toContainText(
        'Bild und Ton von Anna Schmidt lassen sich hier nicht entschlüsseln',
      );
      await expect(clerk.page.getByTestId('undecryptable')).toContainText('Erika Mustermann');
      await expect(citizen.page.getByTestId('encryption')).toHaveText('Ende-zu-Ende-verschlüsselt');
      await expectNoA11yViolations(citizen.page);

      // Media arrives, but nothing of it decodes: no picture at either end, however long one waits.
      await expect(remoteTile(citizen.page)).toHaveCount(1);
      await expect(remoteTile(clerk.page)).toHaveCount(1);
      for (let i = 0; i < 5; i++) {
        for (const page of [citizen.page, clerk.page]) {
          expect(await remoteCamera(page).evaluate((video: HTMLVideoElement) => video.videoWidth)).toBe(0);
        }
        await citizen.page.waitForTimeout(1_000);
      }

      // The way out the message names: leave and join again, now with the call's key.
      await citizen.page.unroute('**/api/calls/*/join');
      await citizen.page.getByRole('button', { name: 'Verlassen' }).click();
      await expect(citizen.page.getByTestId('call-left')).toBeVisible();
      // livekit-client logs each failed decryption as an error: expected until now, and only until now.
      for (const person of [citizen, clerk]) {
        const rest = person.errors.filter((error) => !/InvalidKey: Decryption failed/.test(error));
        person.errors.splice(0, person.errors.length, ...rest);
      }
      await citizen.page.getByRole('button', { name: 'Wieder beitreten' }).click();
      await passDeviceCheck(citizen);
      await expectFrames(remoteCamera(citizen.page), 'citizen sees the clerk with the right key');
      await expectFrames(remoteCamera(clerk.page), 'clerk sees the citizen again');
      await expect(citizen.page.getByTestId('undecryptable')).toHaveCount(0);
      await expect(clerk.page.getByTestId('undecryptable')).toHaveCount(0);
    });
  },
);

test(
  'with LiveKit down when the call starts, both people are told in their language, keep their place, and the retry works',
  { tag: '@sfu' },
  async ({ browser, callApp }) => {
    const livekit = callApp.livekit!;
    await withClerkAndCitizen(browser, async (clerk, citizen) => {
      const visit = await knockViaApi(citizen, 'buergeramt', { name: 'Jonas Becker', concern: 'Ausweis' });
      await admitViaApi(clerk, clerk.departmentId, visit.id);
      await livekit.livekit.stop();
      try {
        await clerk.page.goto('/');
        await switchLanguage(clerk.page, 'en');
        await Promise.all([citizen.page.goto(`/call/${visit.id}`), clerk.page.goto(`/call/${visit.id}`)]);
        await expect(citizen.page.getByTestId('error-page')).toContainText(
          'Die Videoverbindung kann gerade nicht aufgebaut werden. Ihr Platz bleibt erhalten',
        );
        await expect(clerk.page.getByTestId('error-page')).toContainText(
          'The video connection cannot be set up right now. You keep your place',
        );
        // Chromium logs the refused joins (503) just answered, as expected.
        citizen.errors.splice(0);
        clerk.errors.splice(0);
        await expectNoA11yViolations(citizen.page);
        // The visit is still the clerk's, in the console as before.
        const console = await clerk.request.get(`/api/staff/departments/${clerk.departmentId}/console`);
        expect(((await console.json()) as { active: { id: string }[] }).active.map((row) => row.id)).toEqual([
          visit.id,
        ]);
      } finally {
        await livekit.restartLivekit();
      }

      // Back: "try again" leads into the call.
      await citizen.page.getByRole('button', { name: 'Erneut versuchen' }).click();
      await clerk.page.getByRole('button', { name: 'Try again' }).click();
      await expect(mainHeading(citizen.page)).toHaveText('Bereit für Ihr Gespräch?');
      await passDeviceCheck(citizen);
      await clerk.page.getByRole('button', { name: 'Join the call' }).click();
      await expectFrames(remoteCamera(citizen.page), 'citizen sees the clerk after the retry');
    });
  },
);

test(
  'a call ended while LiveKit is out of reach still ends for both: the pages ask the app, and say so',
  { tag: '@sfu' },
  async ({ browser, callApp }) => {
    // Stop 28: LiveKit closed the room, the citizen's connection broke in the same moment, and their
    // page said "Verbindung unterbrochen" for good. With LiveKit gone, no "room closed" can arrive:
    // only the app can tell the pages the call is over.
    const livekit = callApp.livekit!;
    await withClerkAndCitizen(browser, async (clerk, citizen) => {
      const visit = await intoTheCall(clerk, citizen, { name: 'Mila Abbruch', concern: 'Ausweis' });
      await expectFrames(remoteCamera(citizen.page), 'citizen sees the clerk');

      await livekit.livekit.stop();
      try {
        for (const page of [citizen.page, clerk.page]) {
          await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'reconnecting');
        }
        // The clerk ends the visit from elsewhere (another tab, the console): LiveKit cannot be told.
        await finishViaApi(clerk, clerk.departmentId, visit.id);
        await expect(mainHeading(citizen.page)).toHaveText('Das Gespräch ist beendet');
        await expect(citizen.page).toHaveURL(new RegExp(`/call/${visit.id}/ended$`));
        await expect(clerk.page).toHaveURL(new RegExp(`/staff/${clerk.departmentId}$`));
        await expectNoA11yViolations(citizen.page);
        // livekit-client logs its lost signal connection and failed reconnects: expected here.
        citizen.errors.splice(0);
        clerk.errors.splice(0);
      } finally {
        await livekit.restartLivekit();
      }
    });
  },
);

test(
  "LiveKit's code loads while a call is near: in the waiting room and the console before the admit, never on the door page",
  { tag: '@sfu' },
  async ({ browser }) => {
    await withClerkAndCitizen(browser, async (clerk, citizen) => {
      // What each page fetched of LiveKit's code, and any connection it opened to the media server.
      const transportChunk = chunkUrls('livekit-transport');
      const loaded = (page: Page) => {
        const seen = { transport: false, worker: false, mediaServer: [] as string[] };
        page.on('request', (request) => {
          const path = new URL(request.url()).pathname;
          if (transportChunk.test(path)) seen.transport = true;
          if (/\/assets\/livekit-client\.e2ee\.worker-[^/]*\.js$/.test(path)) seen.worker = true;
        });
        page.on('websocket', (socket) => {
          if (!new URL(socket.url()).pathname.startsWith('/ws')) seen.mediaServer.push(socket.url());
        });
        return seen;
      };
      const citizenLoads = loaded(citizen.page);
      const clerkLoads = loaded(clerk.page);
      // The clerk's grant comes with the admit's answer: their page asks for no join of its own.
      const clerkJoins: string[] = [];
      clerk.page.on('request', (request) => {
        if (/\/api\/calls\/[^/]+\/join$/.test(new URL(request.url()).pathname)) clerkJoins.push(request.url());
      });
      // The door page: nothing of LiveKit, however long one stays.
      await citizen.page.goto('/musterstadt/buergeramt');
      await expect(citizen.page.getByRole('heading', { level: 1 })).toBeVisible();
      await citizen.page.waitForLoadState('networkidle');
      expect(citizenLoads.transport).toBe(false);
      expect(citizenLoads.worker).toBe(false);

      const visit = await knockViaApi(citizen, 'buergeramt', { name: 'Lena Vorab', concern: 'Ummeldung' });
      await citizen.page.goto('/musterstadt/buergeramt/wait');
      await expect(citizen.page.getByTestId('position')).toBeVisible();
      const readiness = citizen.page.getByTestId('call-readiness');
      await readiness.getByRole('button', { name: 'Kamera und Mikrofon jetzt prüfen' }).click();
      await expect(citizen.page.getByTestId('call-ready')).toHaveAttribute('data-ready', 'true');

      await clerk.page.goto(`/staff/${clerk.departmentId}`);
      await clerk.page.getByRole('button', { name: 'Kamera und Mikrofon jetzt prüfen' }).click();
      await expect(clerk.page.getByTestId('call-ready')).toHaveAttribute('data-ready', 'true');

      // Both have LiveKit's code and its encryption worker before anyone is let in, and neither
      // has spoken to the media server: no token exists yet (decision 012).
      await expect.poll(() => citizenLoads.transport && citizenLoads.worker).toBe(true);
      await expect.poll(() => clerkLoads.transport && clerkLoads.worker).toBe(true);
      expect(citizenLoads.mediaServer).toEqual([]);
      expect(clerkLoads.mediaServer).toEqual([]);

      // The call they go into uses what was loaded: both see each other.
      await clerk.page.getByRole('button', { name: 'Lena Vorab hereinbitten' }).click();
      for (const page of [citizen.page, clerk.page]) {
        await expect(page).toHaveURL(new RegExp(`/call/${visit.id}$`));
      }
      await expectFrames(remoteCamera(citizen.page), 'citizen sees the clerk');
      await expectFrames(remoteCamera(clerk.page), 'clerk sees the citizen');
      await expect(citizen.page.getByTestId('encryption')).toHaveText('Ende-zu-Ende-verschlüsselt');
      expect(clerkJoins).toEqual([]);
    });
  },
);
