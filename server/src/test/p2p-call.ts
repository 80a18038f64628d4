import type { MediaState } from '@amtsraum/shared';
import { expect } from 'vitest';
import type { Db } from '../db/client.js';
import type { TestClient } from './client.js';
import { makeDepartment, makeTenant, signedInClerk } from './factories.js';

/** Camera and microphone on, no screen: what a page joins a call with. */
export const cameraOn: MediaState = {
  camera: true,
  microphone: true,
  screen: false,
  cameraStreamId: 'cam-1',
  screenStreamId: null,
};

export interface AdmittedOptions {
  /** The clerk's browser: signed in here, on whichever process its address reaches. */
  clerk: TestClient;
  /** The citizen's browser: knocks here. */
  citizen: TestClient;
  clerkName?: string;
  /** What the citizen says at the door. */
  knock?: { name: string; concern: string; language: string };
}

/**
 * A visit in an open department of a new municipality that a citizen knocked for and a signed-in
 * clerk admitted: the start of every peer-to-peer call test.
 */
export async function admittedVisit(db: Db, options: AdmittedOptions) {
  const tenant = await makeTenant(db);
  const department = await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: new Date() });
  const signedIn = await signedInClerk(db, options.clerk, tenant.id, [department.id], { name: options.clerkName });
  const knock = options.knock ?? { name: 'Ayşe', concern: 'Ausweis', language: 'tr' };
  const { visit } = (
    await options.citizen.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
      ...knock,
      consent: true,
    })
  ).json;
  const visitId = visit.id as string;
  const admitted = await signedIn.browser.post(`/api/staff/departments/${department.id}/visits/${visitId}/admit`);
  expect(admitted.status).toBe(200);
  return { tenant, department, clerk: signedIn.browser, citizen: options.citizen, visitId };
}

/**
 * An admitted visit whose clerk and citizen both joined its peer-to-peer call over their live
 * sockets: the clerk first, then the citizen. The answers are handed back for the test to check
 * (`clerkJoined` lists nobody, `citizenJoined` the clerk; `citizenSeen` is the clerk's notice of
 * the citizen).
 */
export async function twoInP2pCall(db: Db, options: AdmittedOptions & { media?: MediaState }) {
  const admitted = await admittedVisit(db, options);
  const { visitId } = admitted;
  const media = options.media ?? cameraOn;

  const clerkLive = await admitted.clerk.live();
  const clerkJoining = clerkLive.next('call-joined');
  clerkLive.send({ type: 'call-join', visitId, media });
  const clerkJoined = await clerkJoining;

  const citizenLive = await admitted.citizen.live();
  const citizenSeen = clerkLive.next('call-participant-joined');
  const citizenJoining = citizenLive.next('call-joined');
  citizenLive.send({ type: 'call-join', visitId, media });
  const citizenJoined = await citizenJoining;
  return { ...admitted, clerkLive, citizenLive, clerkJoined, citizenJoined, citizenSeen: await citizenSeen };
}
