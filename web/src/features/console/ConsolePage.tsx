import type { ConsoleSnapshot, DoorSetting, QueueEntry, StaffMe } from '@amtsraum/shared';
import { ConsoleSnapshotSchema } from '@amtsraum/shared';
import { z } from 'zod';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useParams } from 'react-router';
import { sendForNothing, sendJson, toApiError, type ApiError } from '../../app/api';
import { playTone, primeAudio } from '../../app/chime';
import { currentLocale } from '../../app/i18n';
import { LiveStatus } from '../../app/LiveStatus';
import { PageHeading } from '../../app/PageHeading';
import { useLiveConsole } from '../../app/useLive';
import { DoorStatus } from '../directory/DoorStatus';
import { formatClock } from '../directory/format';
import { useLocalize } from '../directory/useLocalize';
import { LoadingState } from '../errors/LoadingState';
import { LiveDoorSummary } from '../knock/LiveDoorSummary';
import { useLanguageName } from '../knock/LanguageOptions';
import { AppointmentInvites, QuickInterpreterInvite } from '../invite/InvitePanel';
import { AppointmentsPanel } from './AppointmentsPanel';
import { NoteDialog } from './NoteDialog';
import { SignOutButton, StaffGate } from './StaffHomePage';
import { useMinuteClock } from './useMinuteClock';

const AdmittedSchema = z.object({ visitId: z.uuid() });
type DoorChoice = DoorSetting['state'];

/** `/staff/:departmentId`: door, queue and conversations of one department, live. */
export function ConsolePage() {
  const { departmentId = '' } = useParams();
  return <StaffGate>{(me) => <ConsoleGate me={me} departmentId={departmentId} />}</StaffGate>;
}

function ConsoleGate({ me, departmentId }: { me: StaffMe; departmentId: string }) {
  const { t } = useTranslation('staff');
  const live = useLiveConsole(departmentId);
  const member = me.staff.departments.some((department) => department.id === departmentId);
  if (!member || (live.status === 'error' && live.code === 'forbidden')) {
    return (
      <>
        <PageHeading title={t('console.title')} />
        <p>{t('console.accessDenied')}</p>
        <p>
          <Link to="/staff">{t('console.back')}</Link>
        </p>
      </>
    );
  }
  if (live.status === 'error') return <Navigate to="/staff/login" replace />;
  if (live.status === 'loading') return <LoadingState />;
  return <Console me={me} snapshot={live.snapshot} />;
}

/** Ids in the queue not seen before, counted until the tab has focus again. */
function useNewKnocks(queue: QueueEntry[]): number {
  const seen = useRef<Set<string> | null>(null);
  const [unseen, setUnseen] = useState(0);
  useEffect(() => {
    const ids = queue.map((entry) => entry.id);
    if (seen.current === null) {
      seen.current = new Set(ids);
      return;
    }
    const fresh = ids.filter((id) => !seen.current?.has(id));
    for (const id of fresh) seen.current.add(id);
    if (fresh.length === 0) return;
    playTone('knock');
    if (!document.hasFocus() || document.visibilityState !== 'visible') setUnseen((n) => n + fresh.length);
  }, [queue]);
  useEffect(() => {
    const clear = () => {
      if (document.visibilityState === 'visible') setUnseen(0);
    };
    window.addEventListener('focus', clear);
    document.addEventListener('visibilitychange', clear);
    return () => {
      window.removeEventListener('focus', clear);
      document.removeEventListener('visibilitychange', clear);
    };
  }, []);
  return unseen;
}

function Console({ me, snapshot }: { me: StaffMe; snapshot: ConsoleSnapshot }) {
  const { t, i18n } = useTranslation('staff');
  const { t: tErrors } = useTranslation('errors');
  const localize = useLocalize();
  const languageName = useLanguageName();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const { department, door, queue, active } = snapshot;
  const name = localize(department.name);
  const base = `/api/staff/departments/${department.id}`;
  const id = useId();
  const now = useMinuteClock();
  const unseen = useNewKnocks(queue);
  const [chosen, setChosen] = useState<DoorChoice | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [declining, setDeclining] = useState<QueueEntry | null>(null);

  useEffect(() => {
    primeAudio();
  }, []);

  const mine = active.find((entry) => entry.admittedBy?.id === me.staff.id) ?? null;
  const others = active.filter((entry) => entry !== mine);
  // The clerk's choice shows at once; the live snapshot (also other clerks' changes) confirms it.
  const setting = chosen ?? snapshot.doorSetting;

  const explain = (error: ApiError) => {
    if (error.code === 'visit_taken') return t('console.visitTaken');
    if (error.code === 'clerk_busy') return t('console.clerkBusy');
    if (error.code === 'queue_empty') return t('console.queueEmpty');
    return tErrors(`codes.${error.code}`);
  };

  const run = async (action: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await action();
    } catch (error) {
      setMessage(explain(toApiError(error)));
    }
  };
  const options = { language: currentLocale() };

  const chooseDoor = (state: DoorChoice) =>
    run(async () => {
      setChosen(state);
      try {
        await sendJson('PUT', `${base}/door`, { state }, ConsoleSnapshotSchema, options);
      } finally {
        setChosen(null);
      }
    });
  const admit = (entry: QueueEntry | 'next') =>
    run(() =>
      sendJson(
        'POST',
        entry === 'next' ? `${base}/admit-next` : `${base}/visits/${entry.id}/admit`,
        undefined,
        AdmittedSchema,
        options,
      ),
    );
  const finish = (entry: QueueEntry) =>
    run(() => sendForNothing('POST', `${base}/visits/${entry.id}/finish`, undefined, options));

  const waited = (entry: QueueEntry) => {
    const minutes = Math.floor((now - new Date(entry.createdAt).getTime()) / 60_000);
    return minutes < 1 ? t('console.waitedLessThanMinute') : t('console.waited', { count: minutes });
  };
  const since = (entry: QueueEntry) =>
    entry.admittedAt ? formatClock(new Date(entry.admittedAt), locale, department.timeZone) : '';

  const doorChoices: { value: DoorChoice; label: string }[] = [
    { value: 'open', label: t('console.doorOpen') },
    { value: 'paused', label: t('console.doorPaused') },
    { value: 'closed', label: t('console.doorClosed') },
    { value: 'auto', label: t('console.doorAuto') },
  ];

  return (
    <>
      <PageHeading title={unseen > 0 ? `(${String(unseen)}) ${name.text}` : name.text}>
        <span lang={name.lang}>{name.text}</span>
      </PageHeading>
      <div className="staff-bar">
        <p>
          <Link to="/staff">{t('console.back')}</Link>
        </p>
        <SignOutButton />
      </div>
      <LiveStatus />
      <div className="visually-hidden" aria-live="polite">
        {unseen > 0 ? t('console.newKnocks', { count: unseen }) : ''}
      </div>
      {message && (
        <p role="alert" className="notice notice--warning" data-testid="console-message">
          {message}
        </p>
      )}

      <section aria-labelledby={`${id}-door`} className="panel">
        <h2 id={`${id}-door`}>{t('console.doorHeading')}</h2>
        <fieldset className="door-control">
          <legend>{t('console.doorLegend')}</legend>
          {doorChoices.map((choice) => (
            <label key={choice.value} className="choice">
              <input
                type="radio"
                name={`${id}-door-setting`}
                value={choice.value}
                checked={setting === choice.value}
                onChange={() => void chooseDoor(choice.value)}
              />
              {choice.label}
            </label>
          ))}
        </fieldset>
        <p>{t('console.doorNow')}</p>
        <DoorStatus door={door} timeZone={department.timeZone} />
        <LiveDoorSummary door={door} />
        <p className="muted">{t('console.clerksOnDuty', { count: door.clerksOnDuty })}</p>
      </section>

      <section aria-labelledby={`${id}-current`} className="panel" data-testid="current-visit">
        <h2 id={`${id}-current`}>{t('console.currentHeading')}</h2>
        {mine ? (
          <>
            <p>{t('console.currentWith', { name: mine.name, time: since(mine) })}</p>
            <div className="button-row">
              <Link className="button button--primary" to={`/call/${mine.id}`}>
                {t('console.toCall')}
              </Link>
              <button type="button" className="button" onClick={() => void finish(mine)}>
                {t('console.finish')}
              </button>
            </div>
            {mine.interpreterLanguage && (
              <QuickInterpreterInvite
                key={mine.id}
                departmentId={department.id}
                target={{ visitId: mine.id }}
                language={mine.interpreterLanguage}
              />
            )}
          </>
        ) : (
          <p>{t('console.currentNone')}</p>
        )}
      </section>

      <section aria-labelledby={`${id}-queue`} className="panel">
        <h2 id={`${id}-queue`}>{t('console.queueHeading')}</h2>
        <p>
          <button
            type="button"
            className="button button--primary"
            aria-disabled={queue.length === 0 || undefined}
            onClick={() => {
              if (queue.length > 0) void admit('next');
            }}
          >
            {t('console.admitNext')}
          </button>
        </p>
        {queue.length === 0 ? (
          <p data-testid="queue-empty">{t('console.empty')}</p>
        ) : (
          <div className="table-scroll" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
            <table className="queue-table" data-testid="queue">
              <caption id={`${id}-caption`}>{t('console.queueCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('console.colName')}</th>
                  <th scope="col">{t('console.colConcern')}</th>
                  <th scope="col">{t('console.colLanguage')}</th>
                  <th scope="col">{t('console.colInterpreter')}</th>
                  <th scope="col">{t('console.colWaited')}</th>
                  <th scope="col">{t('console.colActions')}</th>
                </tr>
              </thead>
              <tbody>
                {queue.map((entry) => {
                  const service = entry.service ? localize(entry.service.name) : null;
                  return (
                    <tr key={entry.id} data-testid={`queue-entry-${entry.id}`}>
                      <th scope="row">
                        {entry.name}
                        {entry.appointment && (
                          <span className="queue-table__appointment" data-testid="queue-appointment">
                            {t('console.appointmentAt', {
                              time: formatClock(new Date(entry.appointment.startsAt), locale, department.timeZone),
                              count: entry.appointment.persons,
                            })}
                          </span>
                        )}
                      </th>
                      <td>{service ? <span lang={service.lang}>{service.text}</span> : entry.concern}</td>
                      <td lang={entry.language}>{languageName(entry.language)}</td>
                      <td>
                        {entry.interpreterLanguage
                          ? t('console.interpreterNeeded', { language: languageName(entry.interpreterLanguage) })
                          : t('console.interpreterNone')}
                      </td>
                      <td>{waited(entry)}</td>
                      <td>
                        <div className="button-row">
                          <button
                            type="button"
                            className="button button--small"
                            aria-label={t('console.admitPerson', { name: entry.name })}
                            onClick={() => void admit(entry)}
                          >
                            {t('console.admit')}
                          </button>
                          <button
                            type="button"
                            className="button button--small"
                            aria-label={t('console.declinePerson', { name: entry.name })}
                            onClick={() => {
                              setDeclining(entry);
                            }}
                          >
                            {t('console.decline')}
                          </button>
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <AppointmentsPanel
        snapshot={snapshot}
        renderActions={(appointment) =>
          appointment.state === 'booked' || appointment.state === 'arrived' ? (
            <AppointmentInvites
              departmentId={department.id}
              appointmentId={appointment.id}
              interpreterLanguage={appointment.interpreterLanguage}
            />
          ) : null
        }
      />

      {others.length > 0 && (
        <section aria-labelledby={`${id}-others`} className="panel">
          <h2 id={`${id}-others`}>{t('console.othersHeading')}</h2>
          <ul data-testid="other-visits">
            {others.map((entry) => (
              <li key={entry.id}>
                {t('console.otherEntry', {
                  clerk: entry.admittedBy?.name ?? '–',
                  name: entry.name,
                  time: since(entry),
                })}
              </li>
            ))}
          </ul>
        </section>
      )}

      {declining && (
        <NoteDialog
          title={t('console.declineTitle', { name: declining.name })}
          noteLabel={t('console.declineNote')}
          noteHint={t('console.declineNoteHint')}
          confirmLabel={t('console.declineConfirm')}
          abortLabel={t('console.cancel')}
          onClose={() => {
            setDeclining(null);
          }}
          onConfirm={(note) =>
            run(() => sendForNothing('POST', `${base}/visits/${declining.id}/decline`, note ? { note } : {}, options))
          }
        />
      )}
    </>
  );
}
