import {
  CheckInviteRequestSchema,
  CreateInviteRequestSchema,
  EmailInviteRequestSchema,
  RedeemInviteRequestSchema,
  type CreatedInvite,
  type InviteList,
} from '@amtsraum/shared';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { currentClerk } from '../staff/require-staff.js';
import { inviteGuestIdFromCookie, setInviteSeatCookie } from './invite-cookie.js';
import { emailInvite } from './invite-mail.js';
import { checkInvite, inviteeStatus, redeemInvite } from './invitee.service.js';
import type { InviteTarget } from './invites.repo.js';
import { admitGuest, createInvite, listInvites, removeGuest, revokeInvite } from './invites.service.js';

const IdSchema = z.uuid();

// A malformed id cannot name anything: answer as for an unknown one.
const idOf = (value: unknown, code: 'visit_not_found' | 'appointment_not_found' | 'invite_invalid') => {
  const parsed = IdSchema.safeParse(value);
  if (!parsed.success) throw new AppError(code);
  return parsed.data;
};

/**
 * Invite links go by e-mail to the people of a call: a few a day per clerk, and a recipient is not
 * sent the same thing over and over. A signed-in account (or a stolen session) cannot use the
 * town hall's mail server to send unlimited mail to anyone (issue 11, item 7).
 */
export const INVITE_MAIL_LIMITS = {
  perRecipient: { max: 5, windowMs: 60 * 60_000 },
  perClerk: { max: 20, windowMs: 60 * 60_000 },
};

/**
 * The clerk's invite work, per clerk and ten minutes. Changes (make, withdraw, let in, remove,
 * e-mail): a few per visit, a busy day's hour has some dozens; a script with a stolen session
 * would write invite rows and audit entries without end. Reads: each open invite list asks every
 * 4 s (useInviteList.ts), 150 in ten minutes; room for ten lists open at once (tabs, appointments).
 */
export const INVITE_STAFF_LIMITS = {
  changesPerClerk: { max: 300, windowMs: 10 * 60_000 },
  readsPerClerk: { max: 1_500, windowMs: 10 * 60_000 },
};

/** The clerk's invite links; mounted below the staff department router (`/staff/departments/:id`). */
export function invitesStaffRouter(deps: AppDeps): Router {
  const router = Router();
  const mailsToRecipient = deps.limits.limiter('invite-mail-recipient', INVITE_MAIL_LIMITS.perRecipient);
  const mailsByClerk = deps.limits.limiter('invite-mail-clerk', INVITE_MAIL_LIMITS.perClerk);
  const changes = deps.limits.limiter('invite-changes', INVITE_STAFF_LIMITS.changesPerClerk);
  const reads = deps.limits.limiter('invite-reads', INVITE_STAFF_LIMITS.readsPerClerk);
  // Counted before anything is read or parsed: a flood starts no work.
  const counted = (limiter: typeof changes) => async (req: Request) => {
    const clerk = currentClerk(req);
    await limiter.hit(clerk.staff.id);
    return clerk;
  };
  const changing = counted(changes);
  const reading = counted(reads);
  const targets: [string, (req: Request) => InviteTarget][] = [
    ['/visits/:visitId/invites', (req) => ({ visitId: idOf(req.params.visitId, 'visit_not_found') })],
    [
      '/appointments/:appointmentId/invites',
      (req) => ({ appointmentId: idOf(req.params.appointmentId, 'appointment_not_found') }),
    ],
  ];
  for (const [path, targetOf] of targets) {
    router.post(path, async (req, res) => {
      const clerk = await changing(req);
      const body = parseInput(CreateInviteRequestSchema, req.body);
      const created = await createInvite(ctxOf(deps), clerk, targetOf(req), body);
      res
        .status(201)
        .set('Cache-Control', 'no-store')
        .json(created satisfies CreatedInvite);
    });
    router.get(path, async (req, res) => {
      const list = await listInvites(ctxOf(deps), await reading(req), targetOf(req));
      res.set('Cache-Control', 'no-store').json({ invites: list } satisfies InviteList);
    });
  }

  router.post('/invites/:inviteId/revoke', async (req, res) => {
    await revokeInvite(ctxOf(deps), await changing(req), idOf(req.params.inviteId, 'invite_invalid'));
    res.status(204).end();
  });

  router.post('/invites/guests/:guestId/remove', async (req, res) => {
    await removeGuest(ctxOf(deps), await changing(req), idOf(req.params.guestId, 'invite_invalid'));
    res.status(204).end();
  });

  router.post('/invites/guests/:guestId/admit', async (req, res) => {
    await admitGuest(ctxOf(deps), await changing(req), idOf(req.params.guestId, 'invite_invalid'));
    res.status(204).end();
  });

  router.post('/invites/:inviteId/email', async (req, res) => {
    const clerk = await changing(req);
    const body = parseInput(EmailInviteRequestSchema, req.body);
    await emailInvite(ctxOf(deps), clerk, idOf(req.params.inviteId, 'invite_invalid'), body, {
      count: async () => {
        await mailsToRecipient.hit(body.to);
        await mailsByClerk.hit(clerk.staff.id);
      },
    });
    res.status(202).end();
  });

  return router;
}

/**
 * How the call stands, asked by an invitee's page every 3 s while they wait to be let in (200 in
 * ten minutes): six invitees waiting behind one address at once (an interpreting service's
 * office) fit; a script asking as fast as it can does not.
 */
export const INVITE_STATUS_LIMITS = { perAddress: { max: 1200, windowMs: 10 * 60_000 } };

/** The invitee's side: exchanging the link's token for a seat, and asking how the call stands. */
export function invitesRouter(deps: AppDeps): Router {
  const router = Router();
  // A guessing script gets nowhere (tokens are signed) but should not get far either.
  const redeems = deps.limits.limiter('invite-redeem', { max: 30, windowMs: 10 * 60_000 });
  const statusReads = deps.limits.limiter('invite-status', INVITE_STATUS_LIMITS.perAddress);
  const seatOf = (req: Request) => inviteGuestIdFromCookie(deps.config.sessionSecret, req.headers.cookie);

  // Counted after the body's shape is checked, as every token that could be right is a guess and
  // counts, wrong ones too; a body refused by its shape looks nothing up. (An invitee's name with
  // a typo, counted before, used up the address's tries meant for guessers.)
  router.post('/invites/check', async (req, res) => {
    const body = parseInput(CheckInviteRequestSchema, req.body);
    await redeems.hit(requestAddressGroup(req));
    const preview = await checkInvite(ctxOf(deps), { token: body.token, currentGuestId: seatOf(req) });
    res.set('Cache-Control', 'no-store').json(preview);
  });

  router.post('/invites/redeem', async (req, res) => {
    const body = parseInput(RedeemInviteRequestSchema, req.body);
    await redeems.hit(requestAddressGroup(req));
    const redeemed = await redeemInvite(ctxOf(deps), {
      token: body.token,
      name: body.name,
      currentGuestId: seatOf(req),
    });
    const maxAge = Math.max(60_000, redeemed.expiresAt.getTime() - deps.now().getTime());
    setInviteSeatCookie(res, deps.config, redeemed.guestId, maxAge);
    res.set('Cache-Control', 'no-store').json(redeemed.status);
  });

  router.post('/invites/status', async (req, res) => {
    await statusReads.hit(requestAddressGroup(req));
    res.set('Cache-Control', 'no-store').json(await inviteeStatus(ctxOf(deps), seatOf(req)));
  });

  return router;
}
