import type { CallJoinResponse } from '@amtsraum/shared';
import { and, eq, inArray } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { visits } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import type { StaffRow } from '../features/staff/staff.repo.js';
import { inviteeGrant } from '../features/invites/invites.service.js';
import type { CallGrant } from './call-roles.js';
import { mintLivekitToken } from './livekit.provider.js';

const IN_CALL_STATES = ['admitted', 'in_call'] as const;

/**
 * Who may enter a visit's call: the clerk who admitted it, the citizen whose visit cookie names
 * it, and invitees whose seat cookie names an invite for it, while the visit is admitted or in
 * the call. Everybody else gets nothing, whatever room name they guess.
 */
export async function resolveCallGrant(
  db: Db,
  options: {
    visitId: string;
    staff: StaffRow | null;
    citizenVisitId: string | null;
    inviteGuestId?: string | null;
    now: Date;
  },
): Promise<CallGrant> {
  const [visit] = await db
    .select({
      id: visits.id,
      departmentId: visits.departmentId,
      admittedBy: visits.admittedBy,
      citizenName: visits.citizenName,
      citizenScreenShare: visits.citizenScreenShare,
      appointmentId: visits.appointmentId,
      interpreterLanguage: visits.interpreterLanguage,
    })
    .from(visits)
    .where(and(eq(visits.id, options.visitId), inArray(visits.state, [...IN_CALL_STATES])))
    .limit(1);
  if (options.staff && visit?.admittedBy === options.staff.id) {
    return {
      visitId: visit.id,
      departmentId: visit.departmentId,
      role: 'clerk',
      identity: `clerk-${options.staff.id}`,
      name: options.staff.name,
      canShareScreen: true,
      interpreterLanguage: visit.interpreterLanguage,
    };
  }
  if (visit && options.citizenVisitId === visit.id) {
    return {
      visitId: visit.id,
      departmentId: visit.departmentId,
      role: 'citizen',
      identity: `citizen-${visit.id}`,
      name: visit.citizenName,
      canShareScreen: visit.citizenScreenShare,
    };
  }
  if (visit && options.inviteGuestId) {
    const grant = await inviteeGrant(db, { guestId: options.inviteGuestId, visit, now: options.now });
    if (grant) return grant;
  }
  throw new AppError('forbidden');
}

/** The transport for a call: LiveKit when configured (or demanded), else peer-to-peer. */
export async function joinDetails(config: Config, grant: CallGrant): Promise<CallJoinResponse> {
  const self = { identity: grant.identity, name: grant.name, role: grant.role, canShareScreen: grant.canShareScreen };
  const visit = grant.role === 'clerk' ? { interpreterLanguage: grant.interpreterLanguage ?? null } : {};
  if (config.media.mode === 'livekit' && config.media.livekit) {
    return {
      transport: 'livekit',
      visitId: grant.visitId,
      departmentId: grant.departmentId,
      self,
      ...visit,
      url: config.media.livekit.url,
      token: await mintLivekitToken(config.media.livekit, grant),
    };
  }
  return {
    transport: 'p2p',
    visitId: grant.visitId,
    departmentId: grant.departmentId,
    self,
    ...visit,
    iceServers: config.media.iceServers,
    maxParticipants: config.media.p2pMaxParticipants,
  };
}

/** The clerk allows or withdraws the citizen's screen sharing; it holds for the rest of the visit. */
export async function setCitizenScreenShare(db: Db, grant: CallGrant, allowed: boolean): Promise<void> {
  if (grant.role !== 'clerk') throw new AppError('forbidden');
  await db.update(visits).set({ citizenScreenShare: allowed }).where(eq(visits.id, grant.visitId));
}
