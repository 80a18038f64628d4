import {
  CreateInviteRequestSchema,
  EmailInviteRequestSchema,
  RedeemInviteRequestSchema,
  type CreatedInvite,
  type InviteList,
} from '@amtsraum/shared';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import { AppError } from '../../lib/errors.js';
import { RateLimiter } from '../../lib/rate-limit.js';
import { parseInput } from '../../lib/validate.js';
import { livekitRooms } from '../../media/livekit.provider.js';
import { enqueueMail } from '../../mail/outbox.js';
import { inviteMail } from '../../mail/templates.js';
import { inviteGuestIdFromCookie, setInviteSeatCookie } from './invite-cookie.js';
import { currentStaff, requireStaff } from '../staff/require-staff.js';
import {
  admitGuest,
  createInvite,
  inviteeStatus,
  inviteForEmail,
  listInvites,
  redeemInvite,
  removeGuest,
  revokeInvite,
  type InviteTarget,
  type Removal,
} from './invites.service.js';

const IdSchema = z.uuid();

export function invitesRouter(deps: AppDeps): Router {
  const router = Router();
  const base = '/staff/departments/:departmentId';
  router.use(`${base}/visits/:visitId/invites`, requireStaff(deps));
  router.use(`${base}/appointments/:appointmentId/invites`, requireStaff(deps));
  router.use(`${base}/invites`, requireStaff(deps));
  // A guessing script gets nowhere (tokens are signed) but should not get far either.
  const redeems = new RateLimiter({ max: 30, windowMs: 10 * 60_000 });
  const livekit =
    deps.config.media.mode === 'livekit' && deps.config.media.livekit ? livekitRooms(deps.config.media.livekit) : null;

  const staffCtx = (req: Request) => ({
    db: deps.database.db,
    events: deps.events,
    config: deps.config,
    now: deps.now(),
    staff: currentStaff(req),
  });
  const publicCtx = () => ({ db: deps.database.db, events: deps.events, config: deps.config, now: deps.now() });
  const id = (
    value: string | undefined,
    code: 'department_not_found' | 'visit_not_found' | 'appointment_not_found' | 'invite_invalid',
  ) => {
    const parsed = IdSchema.safeParse(value);
    if (!parsed.success) throw new AppError(code);
    return parsed.data;
  };
  const param = (req: Request, name: string) => {
    const value: unknown = req.params[name];
    return typeof value === 'string' ? value : undefined;
  };
  const targetOf = (req: Request): InviteTarget =>
    param(req, 'visitId')
      ? { visitId: id(param(req, 'visitId'), 'visit_not_found') }
      : { appointmentId: id(param(req, 'appointmentId'), 'appointment_not_found') };

  // Peer-to-peer calls drop the person through the hub (on the event the service publishes);
  // LiveKit rooms are told directly.
  const removeFromLivekit = async (req: Request, removal: Removal) => {
    if (!livekit || !removal.visitId) return;
    for (const identity of removal.identities) {
      await livekit
        .removeParticipant(removal.visitId, identity)
        .catch((error: unknown) => req.log.warn({ err: error }, 'could not remove an invitee from LiveKit'));
    }
  };

  for (const path of [`${base}/visits/:visitId/invites`, `${base}/appointments/:appointmentId/invites`]) {
    router.post(path, async (req, res) => {
      const body = parseInput(CreateInviteRequestSchema, req.body);
      const created = await createInvite(
        staffCtx(req),
        id(param(req, 'departmentId'), 'department_not_found'),
        targetOf(req),
        body,
      );
      res
        .status(201)
        .set('Cache-Control', 'no-store')
        .json(created satisfies CreatedInvite);
    });
    router.get(path, async (req, res) => {
      const departmentId = id(param(req, 'departmentId'), 'department_not_found');
      const list = await listInvites(staffCtx(req), departmentId, targetOf(req));
      res.set('Cache-Control', 'no-store').json({ invites: list } satisfies InviteList);
    });
  }

  router.post(`${base}/invites/:inviteId/revoke`, async (req, res) => {
    const removal = await revokeInvite(
      staffCtx(req),
      id(param(req, 'departmentId'), 'department_not_found'),
      id(param(req, 'inviteId'), 'invite_invalid'),
    );
    await removeFromLivekit(req, removal);
    res.status(204).end();
  });

  router.post(`${base}/invites/guests/:guestId/remove`, async (req, res) => {
    const removal = await removeGuest(
      staffCtx(req),
      id(param(req, 'departmentId'), 'department_not_found'),
      id(param(req, 'guestId'), 'invite_invalid'),
    );
    await removeFromLivekit(req, removal);
    res.status(204).end();
  });

  router.post(`${base}/invites/guests/:guestId/admit`, async (req, res) => {
    await admitGuest(
      staffCtx(req),
      id(param(req, 'departmentId'), 'department_not_found'),
      id(param(req, 'guestId'), 'invite_invalid'),
    );
    res.status(204).end();
  });

  router.post(`${base}/invites/:inviteId/email`, async (req, res) => {
    const body = parseInput(EmailInviteRequestSchema, req.body);
    const ctx = staffCtx(req);
    const found = await inviteForEmail(
      ctx,
      id(param(req, 'departmentId'), 'department_not_found'),
      id(param(req, 'inviteId'), 'invite_invalid'),
    );
    const mail = inviteMail(
      {
        tenantName: found.tenantName,
        departmentName: found.departmentName[body.locale] ?? found.departmentName.de,
        label: found.invite.label,
        role: found.invite.role,
        url: found.url,
        expiresAt: found.invite.expiresAt,
        timeZone: found.timeZone,
        startsAt: found.startsAt,
      },
      body.locale,
    );
    await enqueueMail(ctx.db, { tenantId: found.invite.tenantId, kind: 'invite', to: body.to, ...mail });
    res.status(202).end();
  });

  // -- invitee -----------------------------------------------------------------

  const setSeatCookie = (res: Response, guestId: string, expiresAt: Date) => {
    const maxAge = Math.max(60_000, expiresAt.getTime() - deps.now().getTime());
    setInviteSeatCookie(res, deps.config, guestId, maxAge);
  };

  router.post('/invites/redeem', async (req, res) => {
    redeems.hit(req.ip ?? 'unknown');
    const body = parseInput(RedeemInviteRequestSchema, req.body);
    const redeemed = await redeemInvite(publicCtx(), {
      token: body.token,
      name: body.name,
      currentGuestId: inviteGuestIdFromCookie(deps.config.sessionSecret, req.headers.cookie),
    });
    setSeatCookie(res, redeemed.guestId, redeemed.expiresAt);
    res.set('Cache-Control', 'no-store').json(redeemed.status);
  });

  router.post('/invites/status', async (req, res) => {
    const guestId = inviteGuestIdFromCookie(deps.config.sessionSecret, req.headers.cookie);
    res.set('Cache-Control', 'no-store').json(await inviteeStatus(publicCtx(), guestId));
  });

  return router;
}
