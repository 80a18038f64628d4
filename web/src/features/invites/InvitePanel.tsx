import type { CreatedInvite, InviteRole } from '@amtsraum/shared';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError, type ClientErrorCode } from '../../app/api';
import { LanguageOptions, useLanguageName } from '../knock/LanguageOptions';
import { admitInvitee, createInvite, emailInvite, removeInvitee, revokeInvite, type InviteTarget } from './api';
import { useInviteList } from './useInviteList';

interface InvitePanelProps {
  departmentId: string;
  target: InviteTarget;
  /** The interpreter language the citizen asked for: preselected, with a ready label. */
  interpreterLanguage?: string | null;
  headingLevel?: 2 | 3;
}

/**
 * The clerk's invite links for one visit (or appointment): create one, copy or e-mail it, see who
 * came in by it, let waiting people in, remove a person, withdraw a link.
 */
export function InvitePanel({ departmentId, target, interpreterLanguage, headingLevel = 2 }: InvitePanelProps) {
  const { t } = useTranslation('invite');
  const languageName = useLanguageName();
  const id = useId();
  const list = useInviteList(departmentId, target);
  const { invites, refresh } = list;
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [status, setStatus] = useState('');
  const [actionError, setError] = useState('');
  const errorText = useErrorText();
  const error = actionError || (list.error ? errorText(list.error) : '');
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const SubHeading = headingLevel === 2 ? 'h3' : 'h4';

  const act = async (action: () => Promise<void>, done: string) => {
    setError('');
    setStatus('');
    try {
      await action();
      setStatus(done);
      await refresh();
    } catch (caught) {
      setError(errorText(caught));
    }
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
        onCreate={async (body) => {
          setError('');
          try {
            const result = await createInvite(departmentId, target, body);
            setCreated(result);
            setStatus(t('panel.created'));
            await refresh();
          } catch (caught) {
            // The form leaves only the validity open to mistakes: past, or beyond the allowed days.
            const apiError = toApiError(caught);
            const untilWrong = apiError.extras.fieldErrors?.some((field) => field.path === 'validUntil');
            setError(untilWrong ? t('form.untilInvalid') : errorText(caught));
          }
        }}
      />
      {created && (
        <CreatedLink
          key={created.invite.id}
          created={created}
          onEmail={(to) => act(() => emailInvite(departmentId, created.invite.id, to), t('panel.emailed', { to }))}
        />
      )}
      <p role="status" className="invite-panel__status">
        {status}
      </p>
      {error && (
        <p role="alert" className="callout callout--warning">
          {error}
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
                <strong>{invite.label}</strong> · {t(`roles.${invite.role}`)}
                {invite.language ? ` · ${languageName(invite.language)}` : ''} ·{' '}
                <span data-testid="invite-state">{t(`state.${invite.state}`)}</span>
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
                          onClick={() =>
                            void act(
                              () => admitInvitee(departmentId, guest.id),
                              t('panel.admitted', { name: guest.name }),
                            )
                          }
                        >
                          {t('panel.admit', { name: guest.name })}
                        </button>
                      )}{' '}
                      {guest.state !== 'removed' && (
                        <button
                          type="button"
                          className="button"
                          onClick={() =>
                            void act(
                              () => removeInvitee(departmentId, guest.id),
                              t('panel.removed', { name: guest.name }),
                            )
                          }
                        >
                          {t('panel.remove', { name: guest.name })}
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {invite.state === 'active' || invite.guests.some((guest) => guest.state !== 'removed') ? (
                <button
                  type="button"
                  className="button button--danger"
                  onClick={() =>
                    void act(() => revokeInvite(departmentId, invite.id), t('panel.revoked', { label: invite.label }))
                  }
                >
                  {t('panel.revoke', { label: invite.label })}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface CreateFormValues {
  role: InviteRole;
  label: string;
  language?: string;
  validUntil?: string;
  multiUse: boolean;
  lobby: boolean;
}

function CreateInviteForm({
  interpreterLanguage,
  onCreate,
}: {
  interpreterLanguage: string | null;
  onCreate: (body: CreateFormValues) => Promise<void>;
}) {
  const { t } = useTranslation('invite');
  const languageName = useLanguageName();
  const id = useId();
  const [role, setRole] = useState<InviteRole>('interpreter');
  const [language, setLanguage] = useState(interpreterLanguage ?? '');
  const [label, setLabel] = useState('');
  const [until, setUntil] = useState('');
  const [multiUse, setMultiUse] = useState(false);
  const [lobby, setLobby] = useState(false);
  const [busy, setBusy] = useState(false);
  const suggested =
    role === 'interpreter' && language ? t('panel.interpreterLabel', { language: languageName(language) }) : '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await onCreate({
        role,
        label: label.trim() || suggested || t(`roles.${role}`),
        ...(language ? { language } : {}),
        ...(until ? { validUntil: new Date(until).toISOString() } : {}),
        multiUse,
        lobby,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="invite-form" onSubmit={(event) => void submit(event)} noValidate>
      <div className="field">
        <label htmlFor={`${id}-role`}>{t('form.role')}</label>
        <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as InviteRole)}>
          <option value="interpreter">{t('roles.interpreter')}</option>
          <option value="guest">{t('roles.guest')}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-language`}>{t('form.language')}</label>
        <select id={`${id}-language`} value={language} onChange={(event) => setLanguage(event.target.value)}>
          <option value="">{t('form.noLanguage')}</option>
          <LanguageOptions />
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-label`}>{t('form.label')}</label>
        <p id={`${id}-label-hint`} className="field__hint">
          {t('form.labelHint')}
        </p>
        <input
          id={`${id}-label`}
          aria-describedby={`${id}-label-hint`}
          value={label}
          placeholder={suggested}
          maxLength={80}
          onChange={(event) => setLabel(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-until`}>{t('form.until')}</label>
        <p id={`${id}-until-hint`} className="field__hint">
          {t('form.untilHint')}
        </p>
        <input
          id={`${id}-until`}
          type="datetime-local"
          aria-describedby={`${id}-until-hint`}
          value={until}
          onChange={(event) => setUntil(event.target.value)}
        />
      </div>
      <div className="check-row">
        <input
          id={`${id}-multi`}
          type="checkbox"
          checked={multiUse}
          onChange={(event) => setMultiUse(event.target.checked)}
        />
        <label htmlFor={`${id}-multi`}>{t('form.multiUse')}</label>
      </div>
      <div className="check-row">
        <input
          id={`${id}-lobby`}
          type="checkbox"
          checked={lobby}
          onChange={(event) => setLobby(event.target.checked)}
        />
        <label htmlFor={`${id}-lobby`}>{t('form.lobby')}</label>
      </div>
      <button type="submit" className="button button--primary" disabled={busy}>
        {t('form.create')}
      </button>
    </form>
  );
}

function CreatedLink({ created, onEmail }: { created: CreatedInvite; onEmail: (to: string) => Promise<void> }) {
  const { t } = useTranslation('invite');
  const id = useId();
  const [copied, setCopied] = useState(false);
  const [to, setTo] = useState('');
  return (
    <div className="invite-created" data-testid="invite-created">
      <div className="field">
        <label htmlFor={`${id}-url`}>{t('created.link', { label: created.invite.label })}</label>
        <input
          id={`${id}-url`}
          readOnly
          value={created.url}
          data-testid="invite-url"
          onFocus={(event) => event.target.select()}
        />
      </div>
      <button
        type="button"
        className="button"
        onClick={() => {
          void navigator.clipboard?.writeText(created.url).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? t('created.copied') : t('created.copy')}
      </button>
      <form
        className="invite-email"
        onSubmit={(event) => {
          event.preventDefault();
          if (to.trim()) void onEmail(to.trim());
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-email`}>{t('created.email')}</label>
          <input
            id={`${id}-email`}
            type="email"
            autoComplete="off"
            value={to}
            onChange={(event) => setTo(event.target.value)}
          />
        </div>
        <button type="submit" className="button">
          {t('created.send')}
        </button>
      </form>
    </div>
  );
}

/**
 * One click from the console: an interpreter link for the language the citizen asked for, ready
 * to copy or e-mail. (More choices are in the call's invite panel.)
 */
export function QuickInterpreterInvite({
  departmentId,
  target,
  language,
}: {
  departmentId: string;
  target: InviteTarget;
  language: string;
}) {
  const { t } = useTranslation('invite');
  const errorText = useErrorText();
  const languageName = useLanguageName();
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const name = languageName(language);
  return (
    <div className="quick-invite" data-testid="quick-interpreter-invite">
      {!created && (
        <button
          type="button"
          className="button"
          onClick={() => {
            setError('');
            createInvite(departmentId, target, {
              role: 'interpreter',
              label: t('panel.interpreterLabel', { language: name }),
              language,
            }).then(
              (result) => {
                setCreated(result);
                setStatus(t('panel.created'));
              },
              (caught: unknown) => setError(errorText(caught)),
            );
          }}
        >
          {t('panel.interpreterFor', { language: name })}
        </button>
      )}
      {created && (
        <CreatedLink
          created={created}
          onEmail={async (to) => {
            try {
              await emailInvite(departmentId, created.invite.id, to);
              setStatus(t('panel.emailed', { to }));
            } catch (caught) {
              setError(errorText(caught));
            }
          }}
        />
      )}
      <p role="status">{status}</p>
      {error && (
        <p role="alert" className="callout callout--warning">
          {error}
        </p>
      )}
    </div>
  );
}

/** For a booked appointment: the one-click interpreter link, and all invite choices on demand. */
export function AppointmentInvites({
  departmentId,
  appointmentId,
  interpreterLanguage,
}: {
  departmentId: string;
  appointmentId: string;
  interpreterLanguage: string | null;
}) {
  const { t } = useTranslation('invite');
  const id = useId();
  const [open, setOpen] = useState(false);
  const target = { appointmentId };
  return (
    <div className="appointment-invites">
      {interpreterLanguage && (
        <QuickInterpreterInvite departmentId={departmentId} target={target} language={interpreterLanguage} />
      )}
      <button
        type="button"
        className="button"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => setOpen((value) => !value)}
      >
        {t('panel.manage')}
      </button>
      <div id={`${id}-panel`}>
        {open && (
          <InvitePanel
            departmentId={departmentId}
            target={target}
            interpreterLanguage={interpreterLanguage}
            headingLevel={3}
          />
        )}
      </div>
    </div>
  );
}

/**
 * In the call, for the clerk: people waiting to be let in by a lobby link, whether or not the
 * invite panel is open.
 */
export function LobbyNotice({ departmentId, visitId }: { departmentId: string; visitId: string }) {
  const { t } = useTranslation('invite');
  const errorText = useErrorText();
  const { invites, refresh } = useInviteList(departmentId, { visitId });
  const [error, setError] = useState('');
  const waiting = invites.flatMap((invite) =>
    invite.guests.filter((guest) => guest.state === 'waiting').map((guest) => ({ invite, guest })),
  );
  return (
    <div role="status" data-testid="lobby-notice">
      {waiting.length > 0 && (
        <div className="callout lobby-notice">
          <ul className="plain-list">
            {waiting.map(({ invite, guest }) => (
              <li key={guest.id}>
                {t('lobby.waiting', { name: guest.name, label: invite.label })}{' '}
                <button
                  type="button"
                  className="button button--primary button--small"
                  onClick={() => {
                    setError('');
                    admitInvitee(departmentId, guest.id).then(
                      () => refresh(),
                      (caught: unknown) => setError(errorText(caught)),
                    );
                  }}
                >
                  {t('panel.admit', { name: guest.name })}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && <p className="callout callout--warning">{error}</p>}
    </div>
  );
}

/** A failed request as the text for its code (`errors:codes`), in the interface language. */
function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation('errors');
  return (error) => t(`codes.${typeof error === 'string' ? (error as ClientErrorCode) : toApiError(error).code}`);
}
