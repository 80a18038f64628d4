import type { CreatedInvite, InviteView } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { useLanguageName } from '../../ui/LanguageOptions';
import { createInvite, emailInvite, listInvites, type InviteTarget } from './api';
import { CreatedLink } from './CreatedLink';
import { inForce, useValidity } from './links-in-force';

/**
 * One click from the console: an interpreter link for the language the citizen asked for, ready
 * to copy or e-mail. (More choices are in the call's invite panel.) A link made earlier cannot be
 * shown again (only its hash is kept): when one is still in force, say a console reload ago, the
 * clerk is asked first, and a new one replaces it, so there are never two unknown to the clerk.
 */
export function QuickInterpreterInvite({
  departmentId,
  target,
  language,
  timeZone,
  whose,
  onChange,
}: {
  departmentId: string;
  target: InviteTarget;
  language: string;
  timeZone: string;
  /**
   * Whose link it is ("Termin 09:30 Uhr, Olga Spät"), added to the button's name where several
   * rows have one: two "… für Arabisch einladen" could not be told apart by a screen reader.
   */
  whose?: string;
  /** After a link was made (and one replaced): for a list of links beside this. */
  onChange?: () => void;
}) {
  const { t } = useTranslation('invites');
  const say = useSay();
  const languageName = useLanguageName();
  const validity = useValidity(timeZone);
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  /** The links in force the clerk is asked about, while asked. */
  const [existing, setExisting] = useState<InviteView[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Message | null>(null);
  const [error, setError] = useState<Message | null>(null);
  const name = languageName(language);
  // Back on the button after "keep the old link": the question that had the focus is gone.
  const button = useRef<HTMLButtonElement>(null);
  const [kept, setKept] = useState(0);
  useEffect(() => {
    if (kept > 0) button.current?.focus();
  }, [kept]);

  const inForceHere = async () =>
    (await listInvites(departmentId, target)).invites.filter(
      (invite) => invite.role === 'interpreter' && invite.language === language && inForce(invite),
    );

  const make = async (replacing: InviteView[]) => {
    try {
      const result = await createInvite(departmentId, target, {
        role: 'interpreter',
        label: t('panel.interpreterLabel', { language: name }),
        language,
        replacing: replacing.map((invite) => invite.id),
      });
      setExisting(null);
      setCreated(result);
      setStatus(message((tr) => tr(replacing.length > 0 ? 'invites:quick.replaced' : 'invites:panel.created')));
      onChange?.();
    } catch (caught) {
      const apiError = toApiError(caught);
      // Another link came meanwhile (another tab, a colleague): asked about what is there now.
      const others = apiError.code === 'conflict' ? await inForceHere().catch(() => []) : [];
      if (others.length > 0) setExisting(others);
      else setError(problemMessage(apiError));
    }
  };

  const start = async () => {
    setError(null);
    setStatus(null);
    setBusy(true);
    try {
      const found = await inForceHere();
      if (found.length > 0) setExisting(found);
      else await make([]);
    } catch (caught) {
      setError(problemMessage(toApiError(caught)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="quick-invite" data-testid="quick-interpreter-invite">
      {!created && !existing && (
        <button
          ref={button}
          type="button"
          className="button"
          aria-disabled={busy || undefined}
          aria-label={whose ? `${t('panel.interpreterFor', { language: name })} – ${whose}` : undefined}
          onClick={() => {
            if (!busy) void start();
          }}
        >
          {t('panel.interpreterFor', { language: name })}
        </button>
      )}
      {existing && (
        <ReplaceQuestion
          existing={existing}
          validity={validity}
          onReplace={() => make(existing)}
          onKeep={() => {
            setExisting(null);
            setStatus(message((tr) => tr('invites:quick.kept')));
            setKept((n) => n + 1);
          }}
        />
      )}
      {created && (
        <CreatedLink
          created={created}
          onEmail={async (to, locale) => {
            try {
              await emailInvite(departmentId, created.invite.id, to, locale);
              setStatus(message((tr) => tr('invites:panel.emailed', { to })));
            } catch (caught) {
              setError(problemMessage(toApiError(caught)));
            }
          }}
        />
      )}
      <p role="status" data-testid="quick-invite-status">
        {status && say(status)}
      </p>
      {error && (
        <p role="alert" className="callout callout--warning">
          {say(error)}
        </p>
      )}
    </div>
  );
}

/** "There is a valid interpreter link already … A new one? The old one stops." Read first: it takes the focus. */
function ReplaceQuestion({
  existing,
  validity,
  onReplace,
  onKeep,
}: {
  existing: InviteView[];
  validity: (invite: InviteView) => string;
  onReplace: () => Promise<void>;
  onKeep: () => void;
}) {
  const { t } = useTranslation('invites');
  const question = useRef<HTMLParagraphElement>(null);
  const [sending, setSending] = useState(false);
  useEffect(() => {
    question.current?.focus();
  }, [existing]);
  const [first] = existing;
  const users = existing.flatMap((invite) =>
    invite.guests.filter((guest) => guest.state !== 'removed').map((guest) => guest.name),
  );
  return (
    <div className="callout quick-invite__question" role="group" aria-label={t('quick.groupLabel')}>
      <p ref={question} tabIndex={-1} data-testid="quick-invite-question">
        {existing.length === 1 && first
          ? t('quick.exists', { until: validity(first) })
          : t('quick.existsMany', { count: existing.length })}{' '}
        {users.length > 0 && `${t('quick.inUse', { names: users.join(', '), count: users.length })} `}
        {t(existing.length === 1 ? 'quick.question' : 'quick.questionMany')}
      </p>
      <div className="button-row">
        <button
          type="button"
          className="button button--primary"
          aria-disabled={sending || undefined}
          onClick={() => {
            if (sending) return;
            setSending(true);
            void onReplace().finally(() => setSending(false));
          }}
        >
          {t('quick.replace')}
        </button>
        <button type="button" className="button" onClick={onKeep}>
          {t('quick.keep')}
        </button>
      </div>
    </div>
  );
}
