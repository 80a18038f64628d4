import { formatTicketNumber, type QueueEntry, type StaffAppointment } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { dateOf, todayIn } from '../../lib/calendar';
import { problemMessage, useSay, type Message } from '../../lib/message';
import { useLocalize } from '../../lib/useLocalize';
import { useDepartment } from '../directory';
import { counterActions } from './api';

/**
 * The clerk's side of the hybrid office (issue 16): their counter, people on site called to it,
 * and checking people in at the counter. Plain pieces the console page puts in place.
 */

/** How a visit is named in lists: its name, or its ticket number when it came without one. */
export function useVisitName(): (entry: Pick<QueueEntry, 'name' | 'ticketNumber'>) => string {
  const { t } = useTranslation('console');
  return (entry) =>
    entry.name || (entry.ticketNumber ? t('onsite.ticket', { number: formatTicketNumber(entry.ticketNumber) }) : '–');
}

/** The channel in words, never by colour alone: "Vor Ort · Nr. 017" or "Video". */
export function ChannelLabel({ entry }: { entry: QueueEntry }) {
  const { t } = useTranslation('console');
  return (
    <span className={`channel channel--${entry.channel}`} data-testid="queue-channel">
      {entry.channel === 'onsite' && entry.ticketNumber
        ? t('onsite.channelOnsite', { number: formatTicketNumber(entry.ticketNumber) })
        : t('onsite.channelVideo')}
    </span>
  );
}

interface CounterFieldProps {
  departmentId: string;
  counterName: string | null;
  editing: boolean;
  /** Raised when a call needed a counter: the field takes the focus, to be typed into at once. */
  focusRequest: number;
  onEditing: (editing: boolean) => void;
  onSaved: (counterName: string) => void;
}

/** "Ihr Platz: Platz 3 — ändern", or the field to set it. */
export function CounterField({
  departmentId,
  counterName,
  editing,
  focusRequest,
  onEditing,
  onSaved,
}: CounterFieldProps) {
  const { t } = useTranslation('console');
  const say = useSay();
  const id = useId();
  const [draft, setDraft] = useState(counterName ?? '');
  const [problem, setProblem] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focusRequest > 0) input.current?.focus();
  }, [focusRequest]);

  if (counterName && !editing) {
    return (
      <p className="counter-field" data-testid="counter">
        {t('onsite.counterIs', { counter: counterName })}{' '}
        <button
          type="button"
          className="button button--small"
          aria-label={t('onsite.counterChangeLabel')}
          onClick={() => {
            setDraft(counterName);
            onEditing(true);
          }}
        >
          {t('onsite.counterChange')}
        </button>
      </p>
    );
  }

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      const saved = await counterActions.setCounter(departmentId, draft);
      onSaved(saved.counterName ?? draft);
      onEditing(false);
    } catch (error) {
      setProblem(problemMessage(toApiError(error)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="counter-field" onSubmit={(event) => void save(event)} data-testid="counter-form">
      <div className="field">
        <label htmlFor={`${id}-counter`}>{t('onsite.counterLabel')}</label>
        <p id={`${id}-hint`} className="field__hint">
          {counterName ? t('onsite.counterHint') : t('onsite.counterNone')}
        </p>
        <input
          ref={input}
          id={`${id}-counter`}
          type="text"
          maxLength={30}
          autoComplete="off"
          required
          // Opened on purpose (a click, or a call that needed a counter): the field is where to type.
          autoFocus={editing}
          aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ''}`}
          aria-invalid={problem ? true : undefined}
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
          }}
        />
        {problem && (
          <p id={`${id}-problem`} className="field__error" role="alert">
            {say(problem)}
          </p>
        )}
      </div>
      <div className="button-row">
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {t('onsite.counterSave')}
        </button>
        {counterName && (
          <button
            type="button"
            className="button"
            onClick={() => {
              setProblem(null);
              onEditing(false);
            }}
          >
            {t('onsite.counterCancel')}
          </button>
        )}
      </div>
    </form>
  );
}

interface CalledVisitProps {
  entry: QueueEntry;
  /** "10:02" in the municipality's zone. */
  clock: (iso: string) => string;
  onRecall: () => void;
  onDone: () => void;
  onNoShow: () => void;
}

/** The on-site visit this clerk called: no call opens; the person comes to the counter. */
export function CalledVisit({ entry, clock, onRecall, onDone, onNoShow }: CalledVisitProps) {
  const { t } = useTranslation('console');
  const number = formatTicketNumber(entry.ticketNumber ?? 0);
  return (
    <>
      <p className="called-visit" data-testid="called-visit">
        <strong>{t('onsite.called', { number, counter: entry.calledCounter ?? '' })}</strong>
        {entry.name && <> ({entry.name})</>}
        {entry.calledAt && <span className="muted"> · {t('onsite.calledAt', { time: clock(entry.calledAt) })}</span>}
      </p>
      <div className="button-row">
        <button type="button" className="button" onClick={onRecall}>
          {t('onsite.recall')}
        </button>
        <button type="button" className="button button--primary" onClick={onDone}>
          {t('onsite.done')}
        </button>
        <button type="button" className="button" onClick={onNoShow}>
          {t('onsite.noShow')}
        </button>
      </div>
    </>
  );
}

/** The number just drawn, large, to tell the person at the counter. */
export interface DrawnTicket {
  ticketNumber: number;
  name: string | null;
}

interface WalkInDeskProps {
  departmentId: string;
  /** The department's public address, for its services to choose from. */
  tenantSlug: string;
  departmentSlug: string;
  ticket: DrawnTicket | null;
  onTicket: (ticket: DrawnTicket) => void;
  run: (action: () => Promise<unknown>) => Promise<void>;
}

/** "Person vor Ort einreihen": a walk-in ticket for someone at the counter, with an optional concern. */
export function WalkInDesk({ departmentId, tenantSlug, departmentSlug, ticket, onTicket, run }: WalkInDeskProps) {
  const { t } = useTranslation('console');
  const [open, setOpen] = useState(false);
  // The form goes with the focus in it (drawn or cancelled): back to its button, not to the top of
  // the page, a whole console away; the number drawn is said by the status above.
  const walkInButton = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  const close = () => {
    refocus.current = true;
    setOpen(false);
  };
  useEffect(() => {
    if (open || !refocus.current) return;
    refocus.current = false;
    walkInButton.current?.focus();
  }, [open]);

  return (
    <>
      {/* Polite and always present, so that a screen reader hears each new number. */}
      <div role="status" className="drawn-ticket" data-testid="drawn-ticket">
        {ticket && (
          <>
            <p>{ticket.name ? t('onsite.ticketFor', { name: ticket.name }) : t('onsite.ticketDrawn')}</p>
            <p className="drawn-ticket__number">{formatTicketNumber(ticket.ticketNumber)}</p>
            <p className="muted">{t('onsite.ticketTell')}</p>
          </>
        )}
      </div>
      {open ? (
        <WalkInForm
          tenantSlug={tenantSlug}
          departmentSlug={departmentSlug}
          onClose={close}
          onDraw={(body) =>
            run(async () => {
              const drawn = await counterActions.drawTicket(departmentId, body);
              close();
              onTicket({ ticketNumber: drawn.ticketNumber, name: null });
            })
          }
        />
      ) : (
        <p>
          <button
            ref={walkInButton}
            type="button"
            className="button"
            onClick={() => {
              setOpen(true);
            }}
          >
            {t('onsite.walkIn')}
          </button>
        </p>
      )}
    </>
  );
}

/** What the clerk may note for the ticket: a service of the department and a concern, both optional. */
function WalkInForm({
  tenantSlug,
  departmentSlug,
  onClose,
  onDraw,
}: {
  tenantSlug: string;
  departmentSlug: string;
  onClose: () => void;
  onDraw: (body: { serviceSlug?: string; concern?: string }) => Promise<void>;
}) {
  const { t } = useTranslation('console');
  const localize = useLocalize();
  const id = useId();
  const department = useDepartment(tenantSlug, departmentSlug);
  // Only what is given on site: a ticket for a video-only service would send the person nowhere.
  const services =
    department.status === 'success'
      ? department.data.department.services.filter(
          (service) => service.channels === 'onsite' || service.channels === 'both',
        )
      : [];
  const [serviceSlug, setServiceSlug] = useState('');
  const [concern, setConcern] = useState('');

  const draw = (event: FormEvent) => {
    event.preventDefault();
    void onDraw({
      ...(serviceSlug ? { serviceSlug } : {}),
      ...(concern.trim() ? { concern } : {}),
    });
  };

  return (
    <form onSubmit={draw} data-testid="walk-in-form">
      {services.length > 0 && (
        <div className="field">
          <label htmlFor={`${id}-service`}>{t('onsite.walkInService')}</label>
          <select
            id={`${id}-service`}
            value={serviceSlug}
            onChange={(event) => {
              setServiceSlug(event.target.value);
            }}
          >
            <option value="">{t('onsite.walkInNoService')}</option>
            {services.map((service) => {
              const name = localize(service.name);
              return (
                <option key={service.slug} value={service.slug} lang={name.lang}>
                  {name.text}
                </option>
              );
            })}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-concern`}>{t('onsite.walkInConcern')}</label>
        <input
          id={`${id}-concern`}
          type="text"
          maxLength={500}
          autoComplete="off"
          autoFocus
          value={concern}
          onChange={(event) => {
            setConcern(event.target.value);
          }}
        />
      </div>
      <div className="button-row">
        <button type="submit" className="button button--primary">
          {t('onsite.walkInDraw')}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {t('onsite.counterCancel')}
        </button>
      </div>
    </form>
  );
}

/** Whether an appointment is today in the municipality's zone (a check-in is for today's only). */
export function isToday(appointment: StaffAppointment, timeZone: string): boolean {
  return dateOf(new Date(appointment.startsAt), timeZone) === todayIn(timeZone);
}

/**
 * "Ist da — einreihen" for today's booked on-site appointment; `now`: "Jetzt einreihen", right
 * after a clerk booked it for the person at the counter (issue 16, item 5).
 */
export function CheckInButton({
  departmentId,
  appointment,
  onTicket,
  run,
  now = false,
}: {
  departmentId: string;
  appointment: StaffAppointment;
  onTicket: (ticket: DrawnTicket) => void;
  run: (action: () => Promise<unknown>) => Promise<void>;
  now?: boolean;
}) {
  const { t } = useTranslation('console');
  return (
    <button
      type="button"
      className={now ? 'button button--primary' : 'button button--small button--primary'}
      aria-label={t(now ? 'onsite.checkInNowFor' : 'onsite.checkInFor', { name: appointment.name })}
      onClick={() =>
        void run(async () => {
          const drawn = await counterActions.checkIn(departmentId, appointment.id);
          onTicket({ ticketNumber: drawn.ticketNumber, name: appointment.name });
        })
      }
    >
      {t(now ? 'onsite.checkInNow' : 'onsite.checkIn')}
    </button>
  );
}
