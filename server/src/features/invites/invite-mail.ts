import { departmentPhrase, pickLocalized, type Locale } from '@amtsraum/shared';
import type { Ctx } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { enqueueMail } from '../../mail/outbox.js';
import { inviteMail } from '../../mail/templates.js';
import type { Clerk } from '../staff/require-staff.js';
import { findDepartmentContext, findInvitedAppointment } from './invites.repo.js';
import { endsWithAppointment, inviteLink, inviteState } from './invite-links.js';
import { callOf } from './invitee.service.js';
import { recordInviteAction, requireInvite } from './invites.service.js';

/**
 * The clerk sends an invite link by e-mail (`POST …/invites/:inviteId/email`). The link is signed
 * again (the row decides validity); the e-mail is queued in the outbox, in the language chosen.
 * Audited, but nothing in any call changes: no live event.
 */
export async function emailInvite(
  ctx: Pick<Ctx, 'db' | 'events' | 'media' | 'config' | 'logger' | 'now'>,
  clerk: Clerk,
  inviteId: string,
  message: { to: string; locale: Locale },
  options: { count?: () => Promise<void> } = {},
): Promise<void> {
  const invite = await requireInvite(ctx, clerk, inviteId);
  const state = inviteState(invite, ctx.now);
  if (state !== 'active') throw new AppError(`invite_${state}`);
  // A link into a call that is over is no use to anyone.
  await callOf(ctx.db, invite);
  // Only a mail that goes out counts against the limits: a refused one must not use up a recipient's.
  await options.count?.();
  const context = await findDepartmentContext(ctx.db, clerk.departmentId);
  if (!context) throw new AppError('department_not_found');
  const appointment = invite.appointmentId ? await findInvitedAppointment(ctx.db, invite.appointmentId) : undefined;
  await recordInviteAction(ctx, clerk, invite, 'invite_emailed', {}, { publish: false });
  const mail = inviteMail(
    {
      tenantName: context.tenantName,
      departmentName: pickLocalized(context.departmentName, message.locale),
      departmentAt: departmentPhrase(
        { name: context.departmentName, nameForms: context.departmentNameForms },
        message.locale,
        'at',
      ),
      label: invite.label,
      role: invite.role,
      url: await inviteLink(ctx.config, invite, ctx.now),
      // An appointment's link without a date of its own ends with the call, as a visit's does.
      expiresAt: appointment && endsWithAppointment(invite, appointment.endsAt) ? null : invite.expiresAt,
      timeZone: context.timeZone,
      startsAt: appointment?.startsAt ?? null,
    },
    message.locale,
  );
  await enqueueMail(ctx.db, { tenantId: invite.tenantId, kind: 'invite', to: message.to, ...mail });
}
