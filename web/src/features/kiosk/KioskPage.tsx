import {
  BirthDateSchema,
  BookingCodeSchema,
  formatTicketNumber,
  SUPPORTED_LOCALES,
  type DeviceView,
  type KioskState,
  type KioskTicket,
  type Locale,
} from '@amtsraum/shared';
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';
import { useLocalize } from '../../lib/useLocalize';
import { usePageTitle } from '../../lib/usePageTitle';
import { formatClock, formatLongDate } from '../../ui/format';
import { DevicePairing } from '../devices';
import { checkIn, drawTicket, fetchKioskState, KioskRefusal } from './api';
import { LanguageFlags } from './LanguageFlags';
import { QrScanner } from './QrScanner';
import { useIdleReset } from './useIdleReset';
import './kiosk.css';

/**
 * The kiosk at a town hall's entrance (issue 16, item 2): on a tablet paired with one department,
 * a citizen checks in for today's on-site appointment (QR code or booking code + date of birth)
 * or draws a walk-in ticket. Full screen, big type, German first; after a minute without a touch
 * it forgets everything and starts again, so nobody meets the previous person's screen.
 */
export function KioskPage() {
  const { t } = useTranslation('kiosk');
  usePageTitle(t('title'));

  // Until paired, the pairing form is the town hall's IT at work, not a citizen: it keeps the
  // site's header with its language switch (as the call display's does) and whatever language the
  // browser or an earlier choice set. Kiosk mode begins once paired (KioskScreens).
  return (
    <div className="kiosk-root">
      <DevicePairing kind="kiosk">
        {(device, unpaired) => <KioskScreens device={device} onUnpaired={unpaired} />}
      </DevicePairing>
    </div>
  );
}

type Screen =
  | { name: 'start' }
  | { name: 'scan' }
  | { name: 'code' }
  | { name: 'services' }
  | { name: 'busy' }
  | { name: 'ticket'; ticket: KioskTicket }
  | { name: 'refused'; refusal: KioskRefusal; retry: 'scan' | 'code' | 'start' };

interface CodeForm {
  code: string;
  day: string;
  month: string;
  year: string;
}
const EMPTY_FORM: CodeForm = { code: '', day: '', month: '', year: '' };
/** How often the start screen asks whether walk-in tickets can be drawn. */
const STATE_REFRESH_MS = 60_000;

function KioskScreens({ device, onUnpaired }: { device: DeviceView; onUnpaired: () => void }) {
  const { t, i18n } = useTranslation('kiosk');

  // Once, when the kiosk is paired (react-i18next hands out a new `i18n` on each language change,
  // and a switch to English must not run this again): German first, the site's header, footer
  // and language switcher hidden (kiosk.css), the other languages' texts fetched ahead so that a
  // flag switches at once instead of blanking the screen. Revoked, the pairing form has them back.
  const i18nRef = useRef(i18n);
  useEffect(() => {
    const instance = i18nRef.current;
    document.body.classList.add('kiosk-mode');
    if (instance.resolvedLanguage !== 'de') void instance.changeLanguage('de');
    void instance.loadLanguages(SUPPORTED_LOCALES.filter((locale) => locale !== 'de'));
    return () => {
      document.body.classList.remove('kiosk-mode');
    };
  }, []);

  const localize = useLocalize();
  const [screen, setScreen] = useState<Screen>({ name: 'start' });
  const [form, setForm] = useState<CodeForm>(EMPTY_FORM);
  const [stateKey, setStateKey] = useState(0);
  const state = useLoad(`kiosk-state:${String(stateKey)}`, (signal) => fetchKioskState(currentLocale(), signal));
  const locale = (i18n.resolvedLanguage ?? 'de') as Locale;
  const timeZone = device.tenant.timeZone;

  const startOver = useCallback(() => {
    setScreen({ name: 'start' });
    setForm(EMPTY_FORM);
    setStateKey((n) => n + 1);
    if (i18n.resolvedLanguage !== 'de') void i18n.changeLanguage('de');
  }, [i18n]);

  // The start screen follows the door through the day (opened, closed, the queue full).
  const onStart = screen.name === 'start';
  useEffect(() => {
    if (!onStart) return;
    const timer = window.setInterval(() => {
      setStateKey((n) => n + 1);
    }, STATE_REFRESH_MS);
    return () => {
      window.clearInterval(timer);
    };
  }, [onStart]);

  const secondsLeft = useIdleReset(screen.name !== 'start' || locale !== 'de', startOver);

  const refuse = (failure: unknown, retry: 'scan' | 'code' | 'start') => {
    const refusal = failure instanceof KioskRefusal ? failure : new KioskRefusal('invalid_response');
    if (refusal.code === 'device_not_paired') {
      onUnpaired();
      return;
    }
    setScreen({ name: 'refused', refusal, retry });
  };

  const submitCheckIn = async (body: Parameters<typeof checkIn>[0], retry: 'scan' | 'code') => {
    setScreen({ name: 'busy' });
    try {
      const ticket = await checkIn(body, locale);
      setForm(EMPTY_FORM);
      setScreen({ name: 'ticket', ticket });
    } catch (failure) {
      // The code stays for another try; the date of birth is typed afresh.
      setForm((previous) => ({ ...previous, day: '', month: '', year: '' }));
      refuse(failure, retry);
    }
  };

  const submitTicket = async (serviceSlug?: string) => {
    setScreen({ name: 'busy' });
    try {
      setScreen({ name: 'ticket', ticket: await drawTicket({ serviceSlug, language: locale }, locale) });
    } catch (failure) {
      refuse(failure, 'start');
    }
  };

  const kiosk: KioskState | null = state.status === 'success' ? state.data : (state.previous ?? null);
  const departmentName = localize(kiosk?.department.name ?? device.department.name);

  return (
    <div className="kiosk">
      <div className="kiosk-bar">
        <p className="kiosk-bar__place" lang={departmentName.lang}>
          {departmentName.text}
        </p>
        <LanguageFlags
          onChoose={(choice) => {
            void i18n.changeLanguage(choice);
          }}
        />
      </div>
      {secondsLeft !== null && (
        <div className="kiosk-idle" role="alert">
          <p>{t('idle.warning', { count: secondsLeft })}</p>
          <button type="button" className="kiosk-button">
            {t('idle.stay')}
          </button>
        </div>
      )}
      <div className="kiosk-body">
        {screen.name === 'start' && (
          <StartScreen
            kiosk={kiosk}
            onScan={() => {
              setScreen({ name: 'scan' });
            }}
            onCode={() => {
              setScreen({ name: 'code' });
            }}
            onTicket={() => {
              if (kiosk && kiosk.services.length > 0) setScreen({ name: 'services' });
              else void submitTicket();
            }}
          />
        )}
        {screen.name === 'scan' && (
          <Step title={t('scan.title')} onBack={startOver}>
            <QrScanner
              onCode={(qr) => {
                void submitCheckIn({ qr, language: locale }, 'scan');
              }}
            />
            <button
              type="button"
              className="kiosk-button"
              onClick={() => {
                setScreen({ name: 'code' });
              }}
            >
              {t('scan.useCode')}
            </button>
          </Step>
        )}
        {screen.name === 'code' && (
          <Step title={t('code.title')} onBack={startOver}>
            <CodeFormView
              form={form}
              onChange={setForm}
              onSubmit={(bookingCode, birthDate) => {
                void submitCheckIn({ bookingCode, birthDate, language: locale }, 'code');
              }}
            />
          </Step>
        )}
        {screen.name === 'services' && kiosk && (
          <Step title={t('services.title')} onBack={startOver}>
            <ul className="kiosk-choices">
              {kiosk.services.map((service) => {
                const name = localize(service.name);
                return (
                  <li key={service.slug}>
                    <button
                      type="button"
                      className="kiosk-choice"
                      lang={name.lang}
                      onClick={() => void submitTicket(service.slug)}
                    >
                      {name.text}
                    </button>
                  </li>
                );
              })}
              <li>
                <button type="button" className="kiosk-choice" onClick={() => void submitTicket()}>
                  {t('services.other')}
                </button>
              </li>
            </ul>
          </Step>
        )}
        {screen.name === 'busy' && (
          <div className="kiosk-step">
            <ScreenHeading>{t('busy')}</ScreenHeading>
          </div>
        )}
        {screen.name === 'ticket' && (
          <TicketView ticket={screen.ticket} locale={locale} timeZone={timeZone} onDone={startOver} />
        )}
        {screen.name === 'refused' && (
          <RefusalView
            refusal={screen.refusal}
            locale={locale}
            timeZone={timeZone}
            onRetry={
              screen.retry === 'start' || screen.refusal.code === 'check_in_locked'
                ? null
                : () => {
                    setScreen(screen.retry === 'scan' ? { name: 'scan' } : { name: 'code' });
                  }
            }
            onDone={startOver}
          />
        )}
      </div>
    </div>
  );
}

/** A screen's heading, focused when the screen appears, so keyboard and screen reader follow along. */
function ScreenHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="kiosk-heading">
      {children}
    </h1>
  );
}

function Step({ title, onBack, children }: { title: string; onBack: () => void; children: ReactNode }) {
  const { t } = useTranslation('kiosk');
  return (
    <section className="kiosk-step">
      <ScreenHeading>{title}</ScreenHeading>
      {children}
      <button type="button" className="kiosk-button kiosk-button--quiet" onClick={onBack}>
        {t('back')}
      </button>
    </section>
  );
}

function StartScreen({
  kiosk,
  onScan,
  onCode,
  onTicket,
}: {
  kiosk: KioskState | null;
  onScan: () => void;
  onCode: () => void;
  onTicket: () => void;
}) {
  const { t } = useTranslation('kiosk');
  const walkIns = kiosk?.walkIns;
  return (
    <section className="kiosk-step">
      <ScreenHeading>{t('start.title')}</ScreenHeading>
      <ul className="kiosk-choices">
        <li>
          <button type="button" className="kiosk-choice" onClick={onScan}>
            {t('start.scan')}
          </button>
        </li>
        <li>
          <button type="button" className="kiosk-choice" onClick={onCode}>
            {t('start.code')}
          </button>
        </li>
        {walkIns?.available && (
          <li>
            <button type="button" className="kiosk-choice" onClick={onTicket}>
              {t('start.ticket')}
            </button>
          </li>
        )}
      </ul>
      {walkIns && !walkIns.available && walkIns.refusal !== 'not_offered' && walkIns.refusal && (
        <p className="kiosk-notice">{t(`start.noTickets.${walkIns.refusal}`)}</p>
      )}
    </section>
  );
}

function CodeFormView({
  form,
  onChange,
  onSubmit,
}: {
  form: CodeForm;
  onChange: (form: CodeForm) => void;
  onSubmit: (bookingCode: string, birthDate: string) => void;
}) {
  const { t } = useTranslation('kiosk');
  const ids = { code: useId(), codeError: useId(), birth: useId(), birthError: useId() };
  const [errors, setErrors] = useState<{ code?: string; birth?: string }>({});
  const codeRef = useRef<HTMLInputElement>(null);
  const dayRef = useRef<HTMLInputElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const code = BookingCodeSchema.safeParse(form.code);
    const birthDate = `${form.year.trim()}-${form.month.trim().padStart(2, '0')}-${form.day.trim().padStart(2, '0')}`;
    const birth = BirthDateSchema.safeParse(birthDate);
    const found = {
      ...(code.success ? {} : { code: t('code.codeInvalid') }),
      ...(birth.success && birthDate <= new Date().toISOString().slice(0, 10) ? {} : { birth: t('code.birthInvalid') }),
    };
    setErrors(found);
    if (found.code) codeRef.current?.focus();
    else if (found.birth) dayRef.current?.focus();
    if (found.code || found.birth || !code.success || !birth.success) return;
    onSubmit(code.data, birth.data);
  };

  const set = (field: keyof CodeForm) => (event: { target: { value: string } }) => {
    onChange({ ...form, [field]: event.target.value });
  };

  return (
    <form className="kiosk-form" onSubmit={submit} noValidate>
      <div className="kiosk-field">
        <label htmlFor={ids.code} className="kiosk-label">
          {t('code.code')}
        </label>
        <p className="kiosk-hint" id={`${ids.code}-hint`}>
          {t('code.codeHint')}
        </p>
        <input
          ref={codeRef}
          id={ids.code}
          className="kiosk-input kiosk-input--code"
          value={form.code}
          onChange={set('code')}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={12}
          aria-invalid={errors.code ? true : undefined}
          aria-describedby={[`${ids.code}-hint`, errors.code ? ids.codeError : ''].join(' ').trim()}
        />
        {errors.code && (
          <p id={ids.codeError} className="kiosk-error">
            {errors.code}
          </p>
        )}
      </div>
      <fieldset className="kiosk-field" aria-describedby={errors.birth ? ids.birthError : undefined}>
        <legend className="kiosk-label">{t('code.birthDate')}</legend>
        <div className="kiosk-date">
          {(
            [
              ['day', 2, dayRef],
              ['month', 2, null],
              ['year', 4, null],
            ] as const
          ).map(([part, length, ref]) => (
            <div key={part} className={`kiosk-date__part kiosk-date__part--${part}`}>
              <label htmlFor={`${ids.birth}-${part}`}>{t(`code.${part}`)}</label>
              <input
                ref={ref}
                id={`${ids.birth}-${part}`}
                className="kiosk-input"
                inputMode="numeric"
                pattern="[0-9]*"
                autoComplete="off"
                maxLength={length}
                value={form[part]}
                onChange={set(part)}
                aria-invalid={errors.birth ? true : undefined}
              />
            </div>
          ))}
        </div>
        {errors.birth && (
          <p id={ids.birthError} className="kiosk-error">
            {errors.birth}
          </p>
        )}
      </fieldset>
      <button type="submit" className="kiosk-button kiosk-button--primary">
        {t('code.submit')}
      </button>
    </form>
  );
}

function TicketView({
  ticket,
  locale,
  timeZone,
  onDone,
}: {
  ticket: KioskTicket;
  locale: string;
  timeZone: string;
  onDone: () => void;
}) {
  const { t } = useTranslation('kiosk');
  return (
    <section className="kiosk-step kiosk-ticket" data-testid="kiosk-ticket">
      <ScreenHeading>{ticket.kind === 'appointment' ? t('ticket.checkedIn') : t('ticket.drawn')}</ScreenHeading>
      <p className="kiosk-ticket__label">{t('ticket.number')}</p>
      <p className="kiosk-ticket__number" data-testid="kiosk-ticket-number">
        {formatTicketNumber(ticket.ticketNumber)}
      </p>
      <p className="kiosk-ticket__next">{t('ticket.next')}</p>
      {ticket.appointmentStartsAt && (
        <p>{t('ticket.appointment', { time: formatClock(new Date(ticket.appointmentStartsAt), locale, timeZone) })}</p>
      )}
      <p className="kiosk-ticket__issued">
        {t('ticket.issued', {
          date: formatLongDate(new Date(ticket.issuedAt), locale, timeZone),
          time: formatClock(new Date(ticket.issuedAt), locale, timeZone),
        })}
      </p>
      <div className="kiosk-actions">
        <button
          type="button"
          className="kiosk-button"
          onClick={() => {
            window.print();
          }}
        >
          {t('ticket.print')}
        </button>
        <button type="button" className="kiosk-button kiosk-button--primary" onClick={onDone}>
          {t('ticket.done')}
        </button>
      </div>
    </section>
  );
}

function RefusalView({
  refusal,
  locale,
  timeZone,
  onRetry,
  onDone,
}: {
  refusal: KioskRefusal;
  locale: string;
  timeZone: string;
  onRetry: (() => void) | null;
  onDone: () => void;
}) {
  const { t } = useTranslation('kiosk');
  const { t: te } = useTranslation('errors');
  const localize = useLocalize();
  const { code, problem } = refusal;
  const at = (instant: string | undefined) =>
    instant
      ? {
          date: formatLongDate(new Date(instant), locale, timeZone),
          time: formatClock(new Date(instant), locale, timeZone),
        }
      : null;
  let advice: string;
  if (code === 'check_in_other_day' && at(problem.startsAt)) {
    advice = t('refused.otherDay', at(problem.startsAt)!);
  } else if (code === 'check_in_other_department' && problem.departmentName) {
    advice = t('refused.otherDepartment', { department: localize(problem.departmentName).text });
  } else if (code === 'check_in_too_early' && at(problem.opensAt)) {
    advice = t('refused.tooEarly', at(problem.opensAt)!);
  } else if (code === 'check_in_locked') {
    advice = t('refused.locked');
  } else if (code === 'check_in_wrong_birth_date') {
    advice = t('refused.wrongBirthDate');
  } else {
    advice = t('refused.askDesk');
  }
  return (
    <section className="kiosk-step kiosk-refusal" data-testid="kiosk-refusal" data-code={code}>
      <ScreenHeading>{te(`codes.${code}`)}</ScreenHeading>
      <p className="kiosk-advice">{advice}</p>
      <div className="kiosk-actions">
        {onRetry && (
          <button type="button" className="kiosk-button kiosk-button--primary" onClick={onRetry}>
            {t('refused.retry')}
          </button>
        )}
        <button type="button" className="kiosk-button" onClick={onDone}>
          {t('refused.done')}
        </button>
      </div>
    </section>
  );
}
