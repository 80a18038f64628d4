import { zonedParts, type InviteRole } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSay, type Message } from '../../lib/message';
import { LanguageOptions, useLanguageName } from '../../ui/LanguageOptions';

export interface CreateFormValues {
  role: InviteRole;
  label: string;
  language?: string;
  validUntil?: string;
  multiUse: boolean;
  lobby: boolean;
}

/**
 * The instant a `datetime-local` value ("2026-12-07T18:00") names on the town's wall clock, as the
 * shared `zonedToInstant` reads it: the browser read it on its own, and a clerk's laptop set to UTC
 * or abroad made the link run out hours off what was typed. (`zonedToInstant` itself would be in
 * the first download of every page: the door's is full.)
 */
export function untilInstant(value: string, timeZone: string): string {
  // The typed wall time as if in UTC, less the zone's offset there (taken twice: near a change of
  // the clocks, the offset at the first guess may be the other one).
  const wall = Date.parse(`${value}Z`);
  const offset = (at: number) => {
    const p = zonedParts(new Date(at), timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
  };
  const guess = offset(wall - offset(wall));
  const at = wall - guess;
  const there = offset(at);
  // Step for step as zonedToInstant: a skipped time (no offset fits) as the time just after the gap;
  // a time of the repeated autumn hour, which shows an hour earlier too, as its first time (the
  // second made the link run an hour longer than the zone's other readings of that time).
  return new Date(
    there !== guess
      ? wall - Math.min(guess, there)
      : offset(at - 3_600_000) - there === 3_600_000
        ? at - 3_600_000
        : at,
  ).toISOString();
}

/** Role, language, label, validity, single or multiple use, and whether invitees wait in a lobby. */
export function CreateInviteForm({
  interpreterLanguage,
  timeZone,
  untilError,
  onCreate,
}: {
  interpreterLanguage: string | null;
  /** The municipality's: the validity is typed and read on its clock. */
  timeZone: string;
  /** The server refused the validity: said at its field, which takes focus to read it out. */
  untilError: Message | null;
  onCreate: (body: CreateFormValues) => Promise<void>;
}) {
  const { t } = useTranslation(['invites', 'common']);
  const say = useSay();
  const languageName = useLanguageName();
  const id = useId();
  const [role, setRole] = useState<InviteRole>('interpreter');
  const [language, setLanguage] = useState(interpreterLanguage ?? '');
  // Null until the clerk types: the label then follows the suggestion for role and language, so
  // what the panel says is filled in really is (issue 13: it was only a placeholder).
  const [typed, setTyped] = useState<string | null>(null);
  const [until, setUntil] = useState('');
  const [multiUse, setMultiUse] = useState(false);
  const [lobby, setLobby] = useState(false);
  const [busy, setBusy] = useState(false);
  const untilRef = useRef<HTMLInputElement>(null);
  // The button is disabled while sending, which drops the focus: a refusal brings it to the field.
  useEffect(() => {
    if (untilError) untilRef.current?.focus();
  }, [untilError]);
  const suggested =
    role === 'interpreter' && language ? t('panel.interpreterLabel', { language: languageName(language) }) : '';
  const label = typed ?? suggested;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await onCreate({
        role,
        label: label.trim() || t(`roles.${role}`),
        ...(language ? { language } : {}),
        ...(until ? { validUntil: untilInstant(until, timeZone) } : {}),
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
          type="text"
          id={`${id}-label`}
          aria-describedby={`${id}-label-hint`}
          value={label}
          maxLength={80}
          onChange={(event) => setTyped(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-until`}>{t('form.until')}</label>
        <p id={`${id}-until-hint`} className="field__hint">
          {t('form.untilHint')}{' '}
          {/* ui/format's isForeignZone, written out: imported here, it cost the door page 12 bytes. */}
          {Intl.DateTimeFormat().resolvedOptions().timeZone !== timeZone && t('common:zoneNote', { timeZone })}
        </p>
        {untilError && (
          <p id={`${id}-until-error`} className="field__error">
            {say(untilError)}
          </p>
        )}
        <input
          ref={untilRef}
          id={`${id}-until`}
          type="datetime-local"
          aria-invalid={untilError ? true : undefined}
          aria-describedby={untilError ? `${id}-until-hint ${id}-until-error` : `${id}-until-hint`}
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
