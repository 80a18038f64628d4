import { pagePath, type CitizenVisit } from '@amtsraum/shared';
import type { Blocked } from './DoorNotice';
import {
  createElement,
  lazy,
  Suspense,
  use,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type ComponentType,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import { usePageFocus } from '../../lib/page-focus';
import { Link, useParams } from '../../lib/router';
import { toApiError } from '../../lib/api';
import { getLiveClient } from '../../lib/live-client';
import { playTone, primeAudio } from '../../lib/chime';
import { problemMessage, useSay, type Message } from '../../lib/message';
import { useLiveConnectionState, useLiveVisit } from '../../lib/useLive';
import { useDepartmentPhrase, useLocalize } from '../../lib/useLocalize';
import { DocumentList } from '../../ui/DocumentList';
import { LoadBoundary } from '../../ui/LoadBoundary';
import { LiveStatus } from '../../ui/LiveStatus';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { leave as leaveQueue } from './api';
import type LeaveQuestionDialog from './LeaveQuestion';

/**
 * A part of the page in a chunk of its own, loaded once the page stands: if its download fails
 * (the network gone for a moment), the part is left out, not the whole page blanked.
 */
const part = <P,>(load: () => Promise<{ default: ComponentType<P> }>) =>
  lazy(() => load().catch(() => ({ default: () => null })));
const AppointmentNotes = part(() => import('./AppointmentNotes'));
const DoorNotice = part(() => import('./DoorNotice'));

type Question = typeof LeaveQuestionDialog;
/**
 * The question before a link leaves the page (LeaveQuestion.tsx), fetched as soon as this page's
 * code runs, beside the visit's first live message, and waited for: the place (or the call-in)
 * shows only once the question is in force. Loaded after the page, it came a moment late, and a
 * click in that moment left unasked. A failed download leaves it out, as the parts above.
 */
let question: Question | null | undefined;
const questionLoading = import('./LeaveQuestion').then(
  (module) => (question = module.default),
  () => (question = null),
);

/** The question, waited for: with no Suspense between, the whole page waits, not only this. */
function LeaveQuestion(props: Parameters<Question>[0]) {
  const loaded = question === undefined ? use(questionLoading) : question;
  return loaded && createElement(loaded, props);
}

export interface WaitingRoomPageProps {
  /**
   * Getting ready for the call while waiting (the calls feature's device check, plugged in by the
   * route). Kept mounted from waiting to being let in, so what it opened goes into the call.
   */
  renderCallReadiness?: (visit: CitizenVisit) => ReactNode;
}

/** `/:tenant/:department/wait`: the citizen's place, live, until they are let in or leave. */
export function WaitingRoomPage({ renderCallReadiness }: WaitingRoomPageProps) {
  const live = useLiveVisit();
  useEffect(() => {
    primeAudio();
  }, []);
  useAskAgainWhenShown(live.status === 'known' && !(live.visit && OWN_PLACE.has(live.visit.state)));
  if (live.status === 'unknown') return <LoadingState />;
  return live.visit ? <VisitView visit={live.visit} renderCallReadiness={renderCallReadiness} /> : <NoVisit />;
}

/** The states in which this browser has a place (waiting) or is being let in. */
const OWN_PLACE = new Set<CitizenVisit['state']>(['waiting', 'admitted', 'in_call']);

/**
 * A page saying "not waiting" or "ended" may be out of date: the person knocked again (or joined
 * an appointment) in another tab, whose new visit cookie this tab's live connection never saw, so
 * it kept saying "Ihr Besuch ist beendet" while they waited. When the tab is shown again, its
 * connection is opened anew and reads the cookie as it is now. Only on these pages and only when
 * shown: nothing per queue change (issue 14).
 */
function useAskAgainWhenShown(enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    const onShown = () => {
      if (document.visibilityState === 'visible') getLiveClient().reconnectNow();
    };
    document.addEventListener('visibilitychange', onShown);
    return () => {
      document.removeEventListener('visibilitychange', onShown);
    };
  }, [enabled]);
}

function BackLink({ visit }: { visit?: CitizenVisit }) {
  const { t } = useTranslation('waiting');
  const phrase = useDepartmentPhrase();
  const { tenant = '', department = '' } = useParams();
  const to = visit
    ? pagePath('department', { tenant: visit.tenantSlug, department: visit.departmentSlug })
    : pagePath('department', { tenant, department });
  return (
    <p>
      <Link to={to}>
        {visit
          ? t('wait.back', { to: phrase({ name: visit.departmentName, nameForms: visit.departmentNameForms }, 'to') })
          : t('wait.backGeneric')}
      </Link>
    </p>
  );
}

function NoVisit() {
  const { t } = useTranslation('waiting');
  return (
    <>
      <PageHeading title={t('wait.noneTitle')} />
      <p>{t('wait.none')}</p>
      <BackLink />
    </>
  );
}

function VisitView({
  visit,
  renderCallReadiness,
}: {
  visit: CitizenVisit;
  renderCallReadiness: WaitingRoomPageProps['renderCallReadiness'];
}) {
  const { t } = useTranslation('waiting');
  const localize = useLocalize();
  const department = localize(visit.departmentName);
  const called = visit.state === 'admitted' || visit.state === 'in_call';
  useCallIn(visit, department.text);
  useFocusOnNewView(called ? 'called' : visit.state);

  // The same three places while waiting and once let in, so the readiness in the middle stays.
  if (called) {
    return (
      <>
        <>
          <PageHeading title={t('wait.admittedTitle')} />
          <div className="panel panel--success" role="status" aria-live="polite" data-testid="admitted">
            <p className="lead">
              {visit.admittedBy ? t('wait.admittedText', { clerk: visit.admittedBy }) : t('wait.admittedTextAnonymous')}
            </p>
            <p>
              <Link className="button button--primary button--large" to={pagePath('call', { visitId: visit.id })}>
                {t('wait.toCall')}
              </Link>
            </p>
          </div>
        </>
        <Readiness visit={visit} render={renderCallReadiness} />
        <LeaveQuestion called way={pagePath('call', { visitId: visit.id })} />
      </>
    );
  }

  if (visit.state === 'declined') {
    return (
      <>
        <PageHeading title={t('wait.declinedTitle')} />
        <div className="panel" data-testid="declined">
          <p>{t('wait.declinedText')}</p>
          {visit.declineNote && (
            <>
              <p>{t('wait.declinedNote')}</p>
              <blockquote className="decline-note" data-testid="decline-note">
                {visit.declineNote}
              </blockquote>
            </>
          )}
          <p>{t('wait.declinedNext')}</p>
        </div>
        <BackLink visit={visit} />
      </>
    );
  }

  if (visit.state === 'unattended') {
    return (
      <>
        <PageHeading title={t('wait.endedTitle')} />
        <p data-testid="ended" data-reason="unattended">
          {t('wait.unattendedEnded')}
        </p>
        <Suspense>
          <DoorNotice visit={visit} reason={null} />
        </Suspense>
        <BackLink visit={visit} />
      </>
    );
  }

  if (visit.state !== 'waiting') {
    const reason =
      visit.state === 'no_show' ? 'noShow' : visit.state === 'left' || visit.state === 'expired' ? visit.state : 'done';
    return (
      <>
        <PageHeading title={t('wait.endedTitle')} />
        <p data-testid="ended">
          {t(reason === 'left' && visit.kind === 'appointment' ? 'wait.leftAppointment' : `wait.${reason}`)}
        </p>
        <BackLink visit={visit} />
      </>
    );
  }

  return (
    <>
      <Waiting visit={visit} departmentName={department.text} />
      <Readiness visit={visit} render={renderCallReadiness} />
      <WaitingActions visit={visit} />
      <LeaveQuestion />
    </>
  );
}

/**
 * The device check, left out if its download fails (the network gone for a moment), as the page's
 * own parts are: the page that calls the citizen in stays, and so does their place.
 */
function Readiness({ visit, render }: { visit: CitizenVisit; render: WaitingRoomPageProps['renderCallReadiness'] }) {
  return <LoadBoundary fallback={null}>{render?.(visit)}</LoadBoundary>;
}

function blockedBy(visit: CitizenVisit): Blocked | null {
  if (!visit.door) return null;
  if (visit.door.state !== 'open') return visit.door.state;
  return visit.door.onDuty ? null : 'unattended';
}

function Waiting({ visit, departmentName }: { visit: CitizenVisit; departmentName: string }) {
  const { t } = useTranslation('waiting');
  const blocked = blockedBy(visit);
  return (
    <>
      <PageHeading title={`${t('wait.title')} – ${departmentName}`}>{t('wait.heading')}</PageHeading>
      <p className="tenant-banner__kicker">{departmentName}</p>
      <div className="panel wait-status" aria-live="polite" aria-atomic="true" data-testid="wait-status">
        <Suspense>
          <AppointmentNotes visit={visit} />
        </Suspense>
        <p className="wait-status__position" data-testid="position">
          {visit.position === 1
            ? visit.kind === 'appointment'
              ? t('wait.appointmentFirst')
              : t('wait.positionFirst')
            : t('wait.position', { position: visit.position ?? '–' })}
        </p>
        <p data-testid="estimate">
          {blocked
            ? t(`wait.estimateWhile.${blocked}`)
            : visit.estimatedWaitMinutes
              ? t('wait.estimate', { count: visit.estimatedWaitMinutes })
              : t('wait.estimateNone')}
        </p>
      </div>
      {/* Said when it comes (the place held until when, or kept while closed), not only shown: the
          region is there before it, so a screen reader reads what appears in it. */}
      <div aria-live="polite">
        <Suspense>{blocked && <DoorNotice visit={visit} reason={blocked} />}</Suspense>
      </div>
      <LiveStatus />
      <p>{t('wait.keepOpen')}</p>
      <NotifyButton />
    </>
  );
}

/** What to bring, and leaving the queue. */
function WaitingActions({ visit }: { visit: CitizenVisit }) {
  const { t } = useTranslation('waiting');
  const say = useSay();
  const [confirming, setConfirming] = useState(false);
  const [leaveError, setLeaveError] = useState<Message | null>(null);
  const confirmRef = useRef<HTMLParagraphElement>(null);
  const leaveButtonRef = useRef<HTMLButtonElement>(null);
  // An appointment is not lost by leaving: its join link brings the citizen back until its end.
  const appointment = visit.kind === 'appointment';
  // Leaving offline said "Keine Verbindung zum Server", and still did beside the same buttons once
  // the connection was back (and "Wieder verbunden." said): it goes then, to try again.
  const connection = useLiveConnectionState();
  const [seenConnection, setSeenConnection] = useState(connection);
  if (seenConnection !== connection) {
    setSeenConnection(connection);
    if (connection === 'open') setLeaveError(null);
  }

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const leave = async () => {
    try {
      await leaveQueue();
      // The live message brings the new state; nothing else to do here.
    } catch (error) {
      setLeaveError(problemMessage(toApiError(error)));
    }
  };

  return (
    <>
      {visit.documents.length > 0 && (
        <section aria-labelledby="wait-documents" className="panel">
          <h2 id="wait-documents">{t('wait.documentsHeading')}</h2>
          <DocumentList documents={visit.documents} className="documents" />
        </section>
      )}

      <div className="leave">
        {confirming ? (
          <div className="leave__confirm" data-testid="leave-confirm">
            <p ref={confirmRef} tabIndex={-1}>
              {t(appointment ? 'wait.leaveConfirmAppointment' : 'wait.leaveConfirm')}
            </p>
            <div className="button-row">
              <button type="button" className="button button--danger" onClick={() => void leave()}>
                {t('wait.leaveYes')}
              </button>
              <button
                type="button"
                className="button"
                onClick={() => {
                  setConfirming(false);
                  window.setTimeout(() => leaveButtonRef.current?.focus(), 0);
                }}
              >
                {t('wait.leaveNo')}
              </button>
            </div>
          </div>
        ) : (
          <button
            ref={leaveButtonRef}
            type="button"
            className="button"
            onClick={() => {
              setConfirming(true);
            }}
          >
            {t(appointment ? 'wait.leaveAppointment' : 'wait.leave')}
          </button>
        )}
        {leaveError && (
          <p role="alert" className="field__error">
            {say(leaveError)}
          </p>
        )}
      </div>
    </>
  );
}

function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

function NotifyButton() {
  const { t } = useTranslation('waiting');
  const [permission, setPermission] = useState(notificationPermission);
  // The answer replaces the button that was pressed: it takes the focus, else focus falls to <body>.
  const [asked, setAsked] = useState(false);
  const answer = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (asked) answer.current?.focus();
  }, [asked, permission]);
  if (permission === 'unsupported') return null;
  if (permission === 'granted' || permission === 'denied')
    return (
      <p ref={answer} tabIndex={-1} data-testid="notify-answer">
        {t(permission === 'granted' ? 'wait.notifyOn' : 'wait.notifyDenied')}
      </p>
    );
  return (
    <p>
      <button
        type="button"
        className="button"
        onClick={() => {
          setAsked(true);
          void Notification.requestPermission().then(setPermission, () => {
            setPermission(notificationPermission());
          });
        }}
      >
        {t('wait.notify')}
      </button>
    </p>
  );
}

/**
 * When the visit changes while the page is open (let in, declined, left, ended), a new heading
 * replaces the old one and the button that was pressed, if any, is gone: focus would fall to
 * <body> and the change would go unsaid. As after a navigation, the new heading takes focus and
 * the layout's live region reads the new title. A layout effect, because it must ask before the
 * new heading's own (passive) effect looks whether to take focus.
 */
function useFocusOnNewView(view: string) {
  const { requestFocus } = usePageFocus();
  const shown = useRef(view);
  useLayoutEffect(() => {
    if (shown.current === view) return;
    shown.current = view;
    requestFocus();
  }, [view, requestFocus]);
}

/**
 * Calls the citizen in when the visit turns admitted while this page is open: a tone, a
 * notification if allowed (PageHeading changes the title). Not again after a refresh.
 */
function useCallIn(visit: CitizenVisit, departmentName: string) {
  const { t } = useTranslation('waiting');
  const previous = useRef(visit.state);
  const called = visit.state === 'admitted' || visit.state === 'in_call';
  const title = t('wait.admittedTitle');
  const body = t('wait.notificationBody', { department: departmentName });
  useEffect(() => {
    const was = previous.current;
    previous.current = visit.state;
    if (!called || was !== 'waiting') return;
    playTone('admitted');
    if (notificationPermission() === 'granted' && document.visibilityState !== 'visible') {
      try {
        const notification = new Notification(title, { body, tag: `visit-${visit.id}` });
        notification.onclick = () => {
          window.focus();
          notification.close();
        };
      } catch {
        // Some browsers allow notifications only from a service worker; tone and title remain.
      }
    }
  }, [called, visit.state, visit.id, title, body]);
}
