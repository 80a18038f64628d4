import type { CreatedInvite, InviteGuest, InviteView } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { useLanguageName } from '../../ui/LanguageOptions';
import { admitInvitee, createInvite, emailInvite, removeInvitee, revokeInvite, type InviteTarget } from './api';
import { CreatedLink } from './CreatedLink';
import { CreateInviteForm } from './CreateInviteForm';
import { InviteLabel } from './InviteLabel';
import { useValidity } from './links-in-force';
import { inviteName } from './role-label';
import { useInviteList } from './useInviteList';

interface InvitePanelProps {
  departmentId: string;
  target: InviteTarget;
  /** The interpreter language the citizen asked for: preselected, with a ready label. */
  interpreterLanguage?: string | null;
  /** The municipality's: a link's validity is typed and shown on its clock. */
  timeZone: string;
  headingLevel?: 2 | 3;
}

/** A person the clerk asked to remove, waiting for "yes" (removing cannot be undone). */
interface Removing {
  guest: InviteGuest;
  invite: InviteView;
}

/**
 * The clerk's invite links for one visit (or appointment): create one, copy or e-mail it, see who
 * came in by it, let waiting people in, remove a person (after a confirming question; a link for
 * several people stays open for the others, which the panel says, offering to withdraw it),
 * withdraw a link.
 */
export function InvitePanel({
  departmentId,
  target,
  interpreterLanguage,
  timeZone,
  headingLevel = 2,
}: InvitePanelProps) {
  const { t } = useTranslation('invites');
  const validity = useValidity(timeZone);
  const languageName = useLanguageName();
  const say = useSay();
  const id = useId();
  const list = useInviteList(departmentId, target);
  const { invites, refresh } = list;
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [status, setStatus] = useState<Message | null>(null);
  const [actionError, setError] = useState<Message | null>(null);
  const [untilError, setUntilError] = useState<Message | null>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const [removing, setRemoving] = useState<Removing | null>(null);
  /** After removing someone from a link that others may still use: that link, to offer withdrawing it. */
  const [stillOpen, setStillOpen] = useState<InviteView | null>(null);
  const error = actionError ?? (list.error ? problemMessage(list.error) : null);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const SubHeading = headingLevel === 2 ? 'h3' : 'h4';

  const act = async (action: () => Promise<void>, done: Message): Promise<boolean> => {
    setError(null);
    setStatus(null);
    try {
      await action();
      setStatus(done);
      await refresh();
      return true;
    } catch (caught) {
      setError(problemMessage(toApiError(caught)));
      return false;
    }
  };

  const remove = async ({ guest, invite }: Removing) => {
    setRemoving(null);
    const { name } = guest;
    // A link for several people, still valid, lets others in (and not this person: their seat is gone).
    const othersMayUse = invite.multiUse && invite.state === 'active';
    const removed = await act(
      () => removeInvitee(departmentId, guest.id),
      othersMayUse
        ? message((tr) => tr('invites:panel.removedLinkOpen', { name, label: invite.label }))
        : message((tr) => tr('invites:panel.removed', { name })),
    );
    setStillOpen(removed && othersMayUse ? invite : null);
  };

  const revoke = (invite: InviteView) => {
    setStillOpen(null);
    const { label } = inviteName(t, invite);
    return act(
      () => revokeInvite(departmentId, invite.id),
      message((tr) => tr('invites:panel.revoked', { label })),
    );
  };

  return (
    <section className="panel invite-panel" aria-labelledby={`${id}-heading`} data-testid="invite-panel">
      <Heading id={`${id}-heading`}>{t('panel.heading')}</Heading>
      {interpreterLanguage && (
        <p data-testid="interpreter-requested">
          {t('panel.requested', { language: languageName(interpreterLanguage) })}
        </p>
      )}
      <CreateInviteForm
        interpreterLanguage={interpreterLanguage ?? null}
        timeZone={timeZone}
        untilError={untilError}
        onCreate={async (body) => {
          setError(null);
          setUntilError(null);
          try {
            const result = await createInvite(departmentId, target, body);
            setCreated(result); // the new link takes focus (CreatedLink)
            setStatus(message((tr) => tr('invites:panel.created')));
            await refresh();
          } catch (caught) {
            // The form leaves only the validity open to mistakes: past, or beyond the allowed days.
            const apiError = toApiError(caught);
            if (apiError.extras.fieldErrors?.some((field) => field.path === 'validUntil')) {
              setUntilError(message((tr) => tr('invites:form.untilInvalid')));
              return;
            }
            setError(problemMessage(apiError));
            // After React rendered it: the disabled button dropped the focus, the failure takes it.
            window.setTimeout(() => errorRef.current?.focus(), 0);
          }
        }}
      />
      {created && (
        <CreatedLink
          key={created.invite.id}
          created={created}
          onEmail={async (to, locale) => {
            await act(
              () => emailInvite(departmentId, created.invite.id, to, locale),
              message((tr) => tr('invites:panel.emailed', { to })),
            );
          }}
        />
      )}
      <p role="status" className="invite-panel__status" data-testid="invite-status">
        {status && say(status)}
      </p>
      {stillOpen && (
        <p data-testid="invite-still-open">
          <button type="button" className="button button--danger" onClick={() => void revoke(stillOpen)}>
            {t('panel.revoke', { label: stillOpen.label })}
          </button>{' '}
          <button type="button" className="button" onClick={() => setStillOpen(null)}>
            {t('panel.keepOpen')}
          </button>
        </p>
      )}
      {error && (
        <p ref={errorRef} tabIndex={-1} role="alert" className="callout callout--warning">
          {say(error)}
        </p>
      )}
      <SubHeading>{t('panel.listHeading')}</SubHeading>
      {invites.length === 0 ? (
        <p>{t('panel.none')}</p>
      ) : (
        <ul className="plain-list invite-list">
          {invites.map((invite) => (
            <li key={invite.id} className="invite-list__item" data-testid="invite-item">
              <p>
                {/* A link made without a label is labelled with its role (in any language): said once, not twice. */}
                <InviteLabel invite={invite} />
                {invite.language ? ` · ${languageName(invite.language)}` : ''} ·{' '}
                {invite.multiUse ? t('panel.multiUse') : t('panel.singleUse')} ·{' '}
                {/* Until when, on the town's clock (the clerk's laptop may be set to another zone). */}
                <span data-testid="invite-state">
                  {invite.state === 'active' ? validity(invite) : t(`state.${invite.state}`)}
                </span>
              </p>
              {invite.guests.length > 0 && (
                <ul className="plain-list">
                  {invite.guests.map((guest) => (
                    <li key={guest.id} className="invite-list__guest">
                      {guest.name} – {t(`guestState.${guest.state}`)}{' '}
                      {guest.state === 'waiting' && (
                        <button
                          type="button"
                          className="button button--primary"
                          onClick={() => {
                            const { name } = guest;
                            void act(
                              () => admitInvitee(departmentId, guest.id),
                              message((tr) => tr('invites:panel.admitted', { name })),
                            );
                          }}
                        >
                          {t('panel.admit', { name: guest.name })}
                        </button>
                      )}{' '}
                      {guest.state !== 'removed' &&
                        (removing?.guest.id === guest.id ? (
                          <ConfirmRemove
                            name={guest.name}
                            othersMayUse={invite.multiUse && invite.state === 'active'}
                            onYes={() => void remove(removing)}
                            onNo={() => setRemoving(null)}
                          />
                        ) : (
                          <button
                            type="button"
                            className="button"
                            onClick={() => {
                              setStillOpen(null);
                              setRemoving({ guest, invite });
                            }}
                          >
                            {t('panel.remove', { name: guest.name })}
                          </button>
                        ))}
                    </li>
                  ))}
                </ul>
              )}
              {invite.state === 'active' || invite.guests.some((guest) => guest.state !== 'removed') ? (
                <button type="button" className="button button--danger" onClick={() => void revoke(invite)}>
                  {t('panel.revoke', { label: inviteName(t, invite).label })}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** "Really remove …?" in place of the button; focus goes to the question, so it is read first. */
function ConfirmRemove({
  name,
  othersMayUse,
  onYes,
  onNo,
}: {
  name: string;
  othersMayUse: boolean;
  onYes: () => void;
  onNo: () => void;
}) {
  const { t } = useTranslation('invites');
  const question = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    question.current?.focus();
  }, []);
  return (
    <div className="invite-list__confirm" role="group" aria-label={t('panel.remove', { name })}>
      <p ref={question} tabIndex={-1}>
        {t('panel.removeConfirm', { name })} {othersMayUse && t('panel.removeConfirmLinkOpen')}
      </p>
      <button type="button" className="button button--danger" onClick={onYes}>
        {t('panel.removeYes', { name })}
      </button>{' '}
      <button type="button" className="button" onClick={onNo}>
        {t('panel.removeNo')}
      </button>
    </div>
  );
}
