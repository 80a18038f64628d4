import { CreatedInviteSchema, type CreateInviteRequest } from '@amtsraum/shared';
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';
import { admitViaApi, knockViaApi, type KnockInput, type Person } from './support';

/** Steps and checks shared by the specs with video calls. */

/** Frames arrive: the video has a size and its time advances. An element alone proves nothing. */
export async function expectFrames(video: Locator, what: string): Promise<void> {
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), {
      message: `${what}: video size`,
      timeout: 15_000,
    })
    .toBeGreaterThan(0);
  const before = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), {
      message: `${what}: time advances`,
      timeout: 10_000,
    })
    .toBeGreaterThan(before + 0.5);
  // The time of a stream runs on without new pictures too: frames must keep being decoded (a
  // subscription the client switched off after its first frames showed a still picture).
  const decoded = () => video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
  const first = await decoded();
  await expect.poll(decoded, { message: `${what}: frames keep coming`, timeout: 10_000 }).toBeGreaterThan(first + 10);
}

export const remoteCamera = (page: Page) =>
  page.locator('[data-testid="tile"][data-self="false"] [data-testid="camera-video"]');
export const remoteTile = (page: Page) => page.locator('[data-testid="tile"][data-self="false"]');
/** The camera video of the remote tile whose role label reads `role`. */
export const remoteCameraOf = (page: Page, role: string) =>
  remoteTile(page)
    .filter({ has: page.getByTestId('role').getByText(role, { exact: true }) })
    .getByTestId('camera-video');

export async function passDeviceCheck(person: Person): Promise<void> {
  // A click while the devices still open is kept and joins once they are open.
  await person.page.getByRole('button', { name: 'Gespräch beitreten' }).click();
  // Joining over LiveKit also loads its client and the encryption worker: on two busy cores that
  // can take longer than an assertion's usual five seconds.
  await expect(person.page.getByTestId('call')).toBeVisible({ timeout: 20_000 });
}

/** A clerk signed in to their department (`openDoorAsClerk`). */
type DepartmentClerk = Person & { departmentId: string };

/** The clerk makes a link to the call of `visitId` with `invite`'s settings; returns its address. */
export async function makeInviteLink(
  clerk: DepartmentClerk,
  visitId: string,
  invite: CreateInviteRequest,
): Promise<string> {
  const response = await clerk.request.post(`/api/staff/departments/${clerk.departmentId}/visits/${visitId}/invites`, {
    data: invite,
  });
  expect(response.status()).toBe(201);
  return CreatedInviteSchema.parse(await response.json()).url;
}

/**
 * The invitation specs' start (invite.spec.ts, invitee-call.spec.ts): the citizen knocks at the
 * Bürgeramt (Jonas Becker with an "Ummeldung" unless `knock` says otherwise) and is let in; the
 * clerk makes a link to his call with `invite`'s settings.
 */
export async function inviteLinkInCall(
  clerk: DepartmentClerk,
  citizen: Person,
  invite: CreateInviteRequest,
  knock: KnockInput = { name: 'Jonas Becker', concern: 'Ummeldung' },
): Promise<{ visitId: string; url: string }> {
  const visit = await knockViaApi(citizen, 'buergeramt', knock);
  await admitViaApi(clerk, clerk.departmentId, visit.id);
  return { visitId: visit.id, url: await makeInviteLink(clerk, visit.id, invite) };
}
