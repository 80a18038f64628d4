import {
  pagePath,
  type CallJoinResponse,
  type BusyWith,
  type ConsoleSnapshot,
  type DoorSetting,
  type QueueEntry,
  type StaffMe,
} from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod/mini';
import { Link, useLocation, useParams } from '../../lib/router';
import { getLiveClient } from '../../lib/live-client';
import { returnTo } from '../../lib/session-ended';
import { toApiError, type ApiError } from '../../lib/api';
import { playTone, primeAudio } from '../../lib/chime';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { useLiveConnectionState, useLiveConsole } from '../../lib/useLive';
import { useLostAnnouncement, useLostCitizens } from './useLostCitizens';
import { useBusyEnded } from './useBusyEnded';
import { useLocalize } from '../../lib/useLocalize';
import { formatClock } from '../../ui/format';
import { useLanguageName } from '../../ui/LanguageOptions';
import { LiveStatus } from '../../ui/LiveStatus';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { DoorStatus, LiveDoorSummary } from '../directory';
import { AppointmentInvites, VisitInvites } from '../invites';
import { admit as admitVisit, ClerkBusyError, counterActions, decline, finishVisit, setDoor, useCounter } from './api';
import { AppointmentsPanel } from './AppointmentsPanel';
import { NoteDialog } from './NoteDialog';
import {
  CalledVisit,
  ChannelLabel,
  CheckInButton,
  CounterField,
  isToday,
  useVisitName,
  WalkInDesk,
  type DrawnTicket,
} from './OnsiteDesk';
import { SignOutButton, StaffGate } from './StaffGate';
import { useMinuteClock } from './useMinuteClock';
import { VisitFactsLine } from './VisitFacts';

type DoorChoice = DoorSetting['state'];

/** What the console shows at a change of the queue: who waits, who is not connected, the clerk's own visit. */
interface QueueView {
  queue: QueueEntry[];
  lost: ReadonlySet<string> | null;
  mine: string | null;
}

/**
 * A message of the console with what makes it out of date: tested at each change of the queue
 * after it shows (`before` is the view the change came from). A change that brought the message
 * about (the person's row going) leaves it, so a screen reader can say it; a later one takes it.
 */
interface Problem {
  said: Message;
  outdated: (before: QueueView, after: QueueView) => boolean;
}

/** Who waits, in order, who of them is not connected, and the clerk's own visit, as one text. */
function viewKey(view: QueueView): string {
  return JSON.stringify([view.queue.map((entry) => entry.id), [...(view.lost ?? [])].sort(), view.mine]);
}

/** What the action a message is about was for: a person (or the next) let in or declined. */
interface ActionAbout {
  visitId: string | 'next';
  admit?: boolean;
}

/** Whether a message about `about` is out of date at a change from `before` to `after`. */
function outdatedFor(error: ApiError, about: ActionAbout | undefined) {
  return (before: QueueView, after: QueueView): boolean => {
    if (!about) return false;
    // The clerk is with someone now: a failed admit no longer matters (an answer lost on the
    // way had let the person in after all).
    if (about.admit && after.mine !== null && after.mine !== before.mine) return true;
    if (about.visitId === 'next') {
      const arrived = after.queue.some((entry) => !before.queue.some((old) => old.id === entry.id));
      if (error.code === 'queue_empty') return arrived;
      if (error.code === 'queue_only_lost') {
        // Someone connected waits now (come in, or back), or nobody waits at all.
        const connected = (view: QueueView, id: string) =>
          view.queue.some((entry) => entry.id === id) && !view.lost?.has(id);
        return (
          after.queue.length === 0 ||
          after.queue.some((entry) => connected(after, entry.id) && !connected(before, entry.id))
        );
      }
      return false;
    }
    const { visitId } = about;
    // The person had already gone from the queue before this change: the message was said.
    return !before.queue.some((entry) => entry.id === visitId);
  };
}

/** An office's id as the hub reads a console's watch (`watch-console`). */
const OfficeId = z.uuid();

/** How long a door choice rests before it is sent (arrow keys pass the choices in between). */
const DOOR_CHOICE_REST_MS = 700;

export interface ConsolePageProps {
  /**
   * Getting ready for calls while serving the queue (the calls feature's device check, plugged in
   * by the route). `admittedVisitId` is the visit this clerk let in while the console was open:
   * the readiness then takes its devices into that call. `grant`: the clerk's join answer that
   * came with the admit, so that the call needs no request of its own.
   */
  renderCallReadiness?: (admittedVisitId: string | undefined, grant?: CallJoinResponse) => ReactNode;
}

/** `/staff/:departmentId`: door, queue and conversations of one department, live. */
export function ConsolePage({ renderCallReadiness }: ConsolePageProps) {
  const { departmentId = '' } = useParams();
  return (
    <StaffGate>
      {(me) => <ConsoleGate me={me} departmentId={departmentId} renderCallReadiness={renderCallReadiness} />}
    </StaffGate>
  );
}

function ConsoleGate({
  me,
  departmentId,
  renderCallReadiness,
}: ConsolePageProps & { me: StaffMe; departmentId: string }) {
  const { t } = useTranslation('console');
  const live = useLiveConsole(departmentId);
  // Listening from the start: the message follows the console's first one at once.
  const lost = useLostCitizens(departmentId);
  // The hub answers with the roles now, not the page's list as it was loaded: an office archived
  // since says so (it said "not your office" until the hub's answer came). A role given while the
  // page said "not your office" opens the console (the hub opens the refused watch). An address
  // that names no office at all (not an id) is refused here: the hub answers it only with an
  // error about the message, not about an office.
  const office = OfficeId.safeParse(departmentId).success;
  // The last console seen: a role taken away mid-conversation leaves that conversation to end.
  const [seen, setSeen] = useState<ConsoleSnapshot | null>(null);
  if (live.status === 'ready' && live.snapshot !== seen) setSeen(live.snapshot);
  if (
    live.status === 'removed' ||
    (live.status === 'loading' && !office) ||
    (live.status === 'error' && live.code === 'forbidden')
  ) {
    const inCall =
      live.status === 'removed' && seen?.department.id === departmentId
        ? (seen.active.find((entry) => entry.admittedBy?.id === me.staff.id) ?? null)
        : null;
    return (
      <>
        <PageHeading title={t('console.title')} />
        {/* Said at once, not only after a reload: the role was taken away while the page was open. */}
        <p role={live.status === 'removed' ? 'alert' : undefined} data-testid="console-refused">
          {t(
            live.status !== 'removed' ? 'console.accessDenied' : live.archived ? 'console.archived' : 'console.removed',
          )}
        </p>
        {inCall && <FormerCall key={inCall.id} departmentId={departmentId} entry={inCall} />}
        <p>
          <Link to={pagePath('staffHome')}>{t('console.back')}</Link>
        </p>
      </>
    );
  }
  if (live.status === 'error') return <SessionEnded />;
  if (live.status === 'loading') return <LoadingState />;
  return <Console me={me} snapshot={live.snapshot} lost={lost} renderCallReadiness={renderCallReadiness} />;
}

/**
 * The clerk's own conversation in an office whose role was just taken away: it goes on (its grant
 * is the admit), and the console, closed, had taken its way to the call and its end with it.
 */
function FormerCall({ departmentId, entry }: { departmentId: string; entry: QueueEntry }) {
  const { t } = useTranslation('console');
  const say = useSay();
  const visitName = useVisitName();
  const [ended, setEnded] = useState(false);
  const [failed, setFailed] = useState<Message | null>(null);
  const said = useRef<HTMLParagraphElement>(null);
  // Ended elsewhere (the call page, the citizen gone): told by the hub, no membership needed.
  useBusyEnded(ended ? null : departmentId, () => {
    setEnded(true);
  });
  const end = async () => {
    setFailed(null);
    try {
      await finishVisit(departmentId, entry.id);
      setEnded(true);
      said.current?.focus();
    } catch (error) {
      setFailed(problemMessage(toApiError(error)));
    }
  };
  const name = visitName(entry);
  return (
    <div data-testid="former-call">
      <div aria-live="polite">
        <p ref={said} tabIndex={-1}>
          {t(ended ? 'console.formerCallEnded' : 'console.formerCall', { name })}
        </p>
      </div>
      {failed && (
        <p role="alert" className="notice notice--warning">
          {say(failed)}
        </p>
      )}
      {!ended && (
        <div className="button-row">
          {entry.channel === 'video' && (
            <Link className="button" to={pagePath('call', { visitId: entry.id })}>
              {t('console.toCall')}
            </Link>
          )}
          <button type="button" className="button" onClick={() => void end()}>
            {t('console.finishElsewhere', { name })}
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * The live connection ended with the session: signed out in another tab, expired, or the account
 * deactivated by an admin (issue 15: "a clerk deactivated while signed in"). Said in place, at
 * once, instead of a bare sign-in page that leaves a clerk in mid-work guessing why the queue went.
 * Should the connection come back with a session (a new sign-in in another tab), the console
 * returns by itself.
 */
function SessionEnded() {
  const { t } = useTranslation('console');
  const { pathname } = useLocation();
  return (
    <>
      <PageHeading title={t('console.sessionEnded.title')} />
      <div className="notice notice--warning" role="alert" data-testid="session-ended">
        <p>{t('console.sessionEnded.text')}</p>
      </div>
      <p>
        <Link to={pagePath('staffLogin')} state={returnTo(pathname)}>
          {t('console.sessionEnded.signIn')}
        </Link>
      </p>
    </>
  );
}

/**
 * Whether the console was reached from a call the clerk ended (the call page's history state):
 * the focus then goes to "let the next person in", as after finishing here, instead of to the
 * page's heading, a dozen Tab presses away from the next person, after every call.
 */
function cameFromCall(state: unknown): boolean {
  return typeof state === 'object' && state !== null && (state as { afterCall?: unknown }).afterCall === true;
}

/**
 * Ids in the queue not seen before: counted until the tab has focus again, and, while the clerk
 * looks at the console, named (`arrived`) for its polite region. That region once spoke only
 * for a tab in the background, so a clerk with a screen reader at the console heard only the tone.
 * People no longer waiting (`left`: gone, expired, declined; not those let in) are named too:
 * their rows went without a word, and a clerk with a screen reader learnt of it only by reading
 * the table again.
 */
function useNewKnocks(queue: QueueEntry[], active: QueueEntry[]) {
  const seen = useRef<Set<string> | null>(null);
  const before = useRef<QueueEntry[]>(queue);
  const [unseen, setUnseen] = useState(0);
  const [news, setNews] = useState<{ arrived: QueueEntry[]; left: QueueEntry[] }>({ arrived: [], left: [] });
  useEffect(() => {
    const ids = queue.map((entry) => entry.id);
    const previous = before.current;
    before.current = queue;
    if (seen.current === null) {
      seen.current = new Set(ids);
      return;
    }
    const fresh = queue.filter((entry) => !seen.current?.has(entry.id));
    for (const entry of fresh) seen.current.add(entry.id);
    const left = previous.filter((entry) => !ids.includes(entry.id) && !active.some((other) => other.id === entry.id));
    if (fresh.length === 0 && left.length === 0) return;
    if (fresh.length > 0) playTone('knock');
    if (!document.hasFocus() || document.visibilityState !== 'visible') setUnseen((n) => n + fresh.length);
    else setNews({ arrived: fresh, left });
  }, [queue, active]);
  useEffect(() => {
    const clear = () => {
      if (document.visibilityState !== 'visible') return;
      setUnseen(0);
      setNews({ arrived: [], left: [] });
    };
    window.addEventListener('focus', clear);
    document.addEventListener('visibilitychange', clear);
    return () => {
      window.removeEventListener('focus', clear);
      document.removeEventListener('visibilitychange', clear);
    };
  }, []);
  return { unseen, ...news };
}

function Console({
  me,
  snapshot,
  lost,
  renderCallReadiness,
}: ConsolePageProps & { me: StaffMe; snapshot: ConsoleSnapshot; lost: ReadonlySet<string> | null }) {
  const { t, i18n } = useTranslation('console');
  const localize = useLocalize();
  const languageName = useLanguageName();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const { department, door, queue, active } = snapshot;
  const name = localize(department.name);
  const id = useId();
  const now = useMinuteClock();
  const visitName = useVisitName();
  const { unseen, arrived, left } = useNewKnocks(queue, active);
  const lostSaid = useLostAnnouncement(lost, queue);
  const [chosen, setChosen] = useState<DoorChoice | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const say = useSay();
  const [declining, setDeclining] = useState<QueueEntry | null>(null);
  // The clerk's counter (issue 16): read once, then what they saved here.
  const counterLoad = useCounter(department.id, 0);
  const [counterSaved, setCounterSaved] = useState<string | null>(null);
  const counterName = counterSaved ?? (counterLoad.status === 'success' ? counterLoad.data.counterName : null);
  const [editingCounter, setEditingCounter] = useState(false);
  const [counterFocus, setCounterFocus] = useState(0);
  const [ticket, setTicket] = useState<DrawnTicket | null>(null);

  useEffect(() => {
    primeAudio();
  }, []);

  const mine = active.find((entry) => entry.admittedBy?.id === me.staff.id) ?? null;
  // The admit's answer names the visit, and carries the clerk's grant for its call. Only this
  // console's own admit takes its prepared devices into the call, never a live snapshot that
  // shows the clerk with someone: that came from the clerk's other tab (whose call then moved to
  // this one, the tab the clerk let the person in from saying "Das Gespräch geht in einem anderen
  // Fenster weiter"), or from before the console opened (the clerk came back from the call to
  // look something up). Nor does the snapshot that comes before the answer start the call: the
  // answer waits for the call's room to open (LiveKit) and brings the grant (issue 14).
  const [admittedNow, setAdmittedNow] = useState<{ visitId: string; grant?: CallJoinResponse } | null>(null);
  // An admit from here whose answer never came (see the effect after `admit`).
  const [unanswered, setUnanswered] = useState<{ asked: string | 'next'; mineBefore: string | null } | null>(null);
  // Only a video visit has a call to get ready for; an on-site one comes to the counter.
  const admittedHere = admittedNow?.visitId;
  // The visit let in here ended without its call (not come, finished, left): the readiness is
  // for the next person again. It stayed "taken into that call" and hid the device check until a
  // reload.
  const admittedSeen = useRef<string | null>(null);
  useEffect(() => {
    if (!admittedNow) return;
    if (mine?.id === admittedNow.visitId) admittedSeen.current = admittedNow.visitId;
    else if (admittedSeen.current === admittedNow.visitId) {
      admittedSeen.current = null;
      setAdmittedNow(null);
    }
  }, [admittedNow, mine?.id]);
  const others = active.filter((entry) => entry !== mine);
  // The clerk's choice shows at once; the live snapshot (also other clerks' changes) confirms it.
  const setting = chosen ?? snapshot.doorSetting;

  // Where the clerk's conversation is when it is not in this office (see `clerk_busy` below): as the
  // server said it with the refusal, so also an office the clerk no longer works in.
  const [busyAt, setBusyAt] = useState<BusyWith | null>(null);
  // That conversation's end, said politely: the notice went without a word.
  const [busyEnded, setBusyEnded] = useState<BusyWith | null>(null);

  const explain = (error: ApiError, about?: ActionAbout): Problem => {
    // The session ended and the live socket has not heard yet (an expiry is checked at its next
    // beat; a lost cookie never): a new socket is refused, and the console says "signed out" with
    // the way back here, instead of a bare "Bitte melden Sie sich an" under a queue still shown.
    if (error.code === 'unauthorized') getLiveClient().reconnectNow();
    const said = describe(error);
    const outdated = outdatedFor(error, about);
    if (error.code !== 'clerk_busy') return { said, outdated };
    // Busy here: out of date once that conversation ends (one elsewhere this console does not see).
    return { said, outdated: (before, after) => outdated(before, after) || (before.mine !== null && !after.mine) };
  };
  const describe = (error: ApiError): Message => {
    if (error.code === 'visit_taken') return message((tr) => tr('console:console.visitTaken'));
    if (error.code === 'clerk_busy') {
      // The conversation is in another of the clerk's offices, which this console does not show
      // ("in keinem Gespräch"): named, with the way there, or to end it from here.
      if (error instanceof ClerkBusyError && error.busyWith.departmentId !== department.id) setBusyAt(error.busyWith);
      return message((tr) => tr('console:console.clerkBusy'));
    }
    if (error.code === 'queue_empty') return message((tr) => tr('console:console.queueEmpty'));
    if (error.code === 'queue_only_lost') return message((tr) => tr('console:console.queueOnlyLost'));
    // Said, and the field to set the counter opens, focused: the way out is where the eyes are.
    if (error.code === 'counter_required') {
      setEditingCounter(true);
      setCounterFocus((n) => n + 1);
    }
    return problemMessage(error);
  };

  const run = async (action: () => Promise<unknown>, about?: ActionAbout) => {
    setProblem(null);
    setBusyAt(null);
    setBusyEnded(null);
    setUnanswered(null);
    try {
      await action();
    } catch (error) {
      setProblem(explain(toApiError(error), about));
    }
  };
  // A message is out of date at a later change of the queue that settles it (see `outdatedFor`).
  const mineId = mine?.id ?? null;
  const lastView = useRef<QueueView>({ queue, lost, mine: mineId });
  useEffect(() => {
    const before = lastView.current;
    const after = { queue, lost, mine: mineId };
    lastView.current = after;
    // A snapshot for something else (the door, an estimate) changes nothing here.
    if (viewKey(before) === viewKey(after)) return;
    setProblem((shown) => (shown?.outdated(before, after) ? null : shown));
  }, [queue, lost, mineId]);
  // And when the live connection is back: the queue is told anew, and what failed while it was
  // down (often for that reason) is out of date. The drop itself leaves the message.
  const connection = useLiveConnectionState();
  const lastConnection = useRef(connection);
  useEffect(() => {
    const before = lastConnection.current;
    lastConnection.current = connection;
    if (before === 'reconnecting' && connection === 'open') {
      setProblem(null);
      setBusyAt(null);
    }
  }, [connection]);
  /** Like `run`, for a dialog: what went wrong goes back to it, which stays open with the note. */
  const attempt = async (action: () => Promise<unknown>): Promise<Message | null> => {
    setProblem(null);
    setBusyAt(null);
    setBusyEnded(null);
    try {
      await action();
      return null;
    } catch (error) {
      return explain(toApiError(error)).said;
    }
  };

  // The choice shows at once and is sent when it rests: a keyboard moves through a radio group
  // with the arrow keys, checking each choice on the way, and the people waiting would otherwise
  // be told "paused" and "closed" on the way from "open" to "by opening hours".
  const pendingDoor = useRef<{ state: DoorChoice; timer: ReturnType<typeof setTimeout> } | null>(null);
  const sendDoor = (state: DoorChoice) =>
    run(async () => {
      try {
        await setDoor(department.id, state);
      } finally {
        if (!pendingDoor.current) setChosen(null);
      }
    });
  const chooseDoor = (state: DoorChoice) => {
    setChosen(state);
    if (pendingDoor.current) clearTimeout(pendingDoor.current.timer);
    pendingDoor.current = {
      state,
      timer: setTimeout(() => {
        pendingDoor.current = null;
        void sendDoor(state);
      }, DOOR_CHOICE_REST_MS),
    };
  };
  // Leaving the console right after a choice still sets the door.
  const departmentIdForDoor = department.id;
  useEffect(
    () => () => {
      const pending = pendingDoor.current;
      if (!pending) return;
      clearTimeout(pending.timer);
      pendingDoor.current = null;
      void setDoor(departmentIdForDoor, pending.state).catch(() => {
        // The page is gone: nobody is left to tell; the console shows the door when opened again.
      });
    },
    [departmentIdForDoor],
  );
  const admit = (entry: QueueEntry | 'next') => {
    const asked = entry === 'next' ? 'next' : entry.id;
    const mineBefore = mine?.id ?? null;
    return run(
      async () => {
        try {
          const { visitId, channel, call } = await admitVisit(department.id, asked);
          if (channel === 'video') {
            setAdmittedNow({ visitId, ...(call ? { grant: call } : {}) });
            setFocusCallOf(visitId);
          }
        } catch (error) {
          const { code } = toApiError(error);
          if (code === 'network_error' || code === 'invalid_response') setUnanswered({ asked, mineBefore });
          throw error;
        }
      },
      { visitId: asked, admit: true },
    );
  };
  // A person let in from the queue: the way into the call takes the focus once it shows (the
  // row's button is gone with the row, and the focus fell to the page; unless the devices were
  // ready, which walks the clerk into the call at once).
  const [focusCallOf, setFocusCallOf] = useState<string | null>(null);
  // The admit's answer was lost on the way (a network blip): whether it let the person in, the
  // live snapshot tells. Showing the clerk with the person asked for (or, for "next", with someone
  // new), it is this tab's admit after all, and takes the devices into the call as its answer
  // would have; a second console tab, which asked for nothing, still stays where it is.
  if (unanswered && mine && mine.id !== unanswered.mineBefore) {
    setUnanswered(null);
    if ((unanswered.asked === 'next' || unanswered.asked === mine.id) && mine.channel === 'video') {
      setAdmittedNow({ visitId: mine.id });
      setFocusCallOf(mine.id);
      // The admit's failure is out of date: it went through.
      setProblem(null);
    }
  }
  const currentButtons = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!focusCallOf || mine?.id !== focusCallOf) return;
    setFocusCallOf(null);
    currentButtons.current?.querySelector<HTMLElement>('a')?.focus();
  }, [focusCallOf, mine?.id]);
  const admitNextButton = useRef<HTMLButtonElement>(null);
  // The conversation in another office ended: the notice goes at once, not at a reload; the focus
  // on its link, gone with it, goes on to the next person.
  const messageRef = useRef<HTMLParagraphElement>(null);
  useBusyEnded(busyAt?.departmentId ?? null, () => {
    const focusWasInMessage = messageRef.current?.contains(document.activeElement) ?? false;
    setBusyEnded(busyAt);
    setBusyAt(null);
    setProblem(null);
    if (focusWasInMessage) admitNextButton.current?.focus();
  });
  // A clerk whose role in that office was taken away mid-conversation has no console there: the
  // conversation is ended from here (as a former clerk may), and `busy-ended` then takes the notice.
  const endingElsewhere = useRef(false);
  const finishElsewhere = async (busy: BusyWith) => {
    if (endingElsewhere.current) return;
    endingElsewhere.current = true;
    try {
      await finishVisit(busy.departmentId, busy.visitId);
    } catch (error) {
      const focusWasInMessage = messageRef.current?.contains(document.activeElement) ?? false;
      setBusyAt(null);
      setProblem(explain(toApiError(error)));
      if (focusWasInMessage) admitNextButton.current?.focus();
    } finally {
      endingElsewhere.current = false;
    }
  };
  // The finished conversation's buttons go with it; the focus goes on to the next person rather
  // than to the top of the page, where a keyboard user would start over.
  const thenNext = (action: () => Promise<unknown>) =>
    run(async () => {
      await action();
      admitNextButton.current?.focus();
    });
  // The conversation this console ends itself (finish, not come): its going says nothing.
  const [endingHere, setEndingHere] = useState<string | null>(null);
  const endHere = (entry: QueueEntry, action: () => Promise<unknown>) => {
    setEndingHere(entry.id);
    return thenNext(action);
  };
  const finish = (entry: QueueEntry) => endHere(entry, () => finishVisit(department.id, entry.id));
  // The person let in here left before the call (or it was ended in another window): "Ihr
  // Gespräch" went quietly to "in keinem Gespräch", the focus with its buttons to the top of the
  // page. Said where it happened, and on to the next person.
  const [gone, setGone] = useState<QueueEntry | null>(null);
  const [lastMine, setLastMine] = useState(mine);
  if (lastMine?.id !== mine?.id) {
    setLastMine(mine);
    setGone(!mine && lastMine && lastMine.id !== endingHere ? lastMine : null);
  }
  useEffect(() => {
    if (gone && (!document.activeElement || document.activeElement === document.body)) {
      admitNextButton.current?.focus();
    }
  }, [gone]);
  // The person whose row had the focus left (or another clerk let them in): the row's buttons
  // went with it and the focus fell to the top of the page. On to the next person instead.
  const focusedRow = useRef<string | null>(null);
  useEffect(() => {
    const row = focusedRow.current;
    if (!row || queue.some((entry) => entry.id === row)) return;
    focusedRow.current = null;
    if (!document.activeElement || document.activeElement === document.body) admitNextButton.current?.focus();
  }, [queue]);
  // Back from a call the clerk ended: on to the next person, as after finishing here.
  const { state: arrival } = useLocation();
  const [afterCall] = useState(() => cameFromCall(arrival));
  useEffect(() => {
    if (afterCall) admitNextButton.current?.focus();
  }, [afterCall]);
  const listOf = (names: string[]) => new Intl.ListFormat(locale, { type: 'conjunction' }).format(names);
  const clockOf = (iso: string) => formatClock(new Date(iso), locale, department.timeZone);

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
          <Link to={pagePath('staffHome')}>{t('console.back')}</Link>
        </p>
        {/* Nobody else on duty (this console counts): signing out leaves the people waiting alone. */}
        <SignOutButton waiting={door.clerksOnDuty <= 1 ? queue.length : 0} />
      </div>
      <CounterField
        key={counterName ?? ''}
        departmentId={department.id}
        counterName={counterName}
        editing={editingCounter}
        focusRequest={counterFocus}
        onEditing={setEditingCounter}
        onSaved={(saved) => {
          setCounterSaved(saved);
          setProblem(null);
        }}
      />
      <LiveStatus />
      <div className="visually-hidden" aria-live="polite" data-testid="knocks-announcement">
        {unseen > 0
          ? t('console.newKnocks', { count: unseen })
          : [
              arrived.length > 0 &&
                t('console.arrived', { count: arrived.length, names: listOf(arrived.map(visitName)) }),
              left.length > 0 && t('console.leftQueue', { names: listOf(left.map(visitName)) }),
            ]
              .filter(Boolean)
              .join(' ')}
      </div>
      {/* Apart from the knocks' region: one would replace the other's words before they were read. */}
      <div className="visually-hidden" aria-live="polite" data-testid="connection-announcement">
        {lostSaid}
      </div>
      <div className="visually-hidden" aria-live="polite" data-testid="busy-ended-announcement">
        {busyEnded && t('console.busyEnded', { department: localize(busyEnded.departmentName).text })}
      </div>
      {problem && (
        <p ref={messageRef} role="alert" className="notice notice--warning" data-testid="console-message">
          {!busyAt
            ? say(problem.said)
            : busyAt.member
              ? t('console.clerkBusyElsewhere', { department: localize(busyAt.departmentName).text })
              : t('console.clerkBusyFormer', {
                  department: localize(busyAt.departmentName).text,
                  name: visitName(busyAt),
                })}
          {busyAt && (
            <>
              {' '}
              {busyAt.member ? (
                <Link to={pagePath('console', { departmentId: busyAt.departmentId })} data-testid="busy-elsewhere">
                  {t('console.toBusyDepartment', { department: localize(busyAt.departmentName).text })}
                </Link>
              ) : (
                <button
                  type="button"
                  className="button button--small"
                  data-testid="busy-elsewhere"
                  onClick={() => void finishElsewhere(busyAt)}
                >
                  {t('console.finishElsewhere', { name: visitName(busyAt) })}
                </button>
              )}
            </>
          )}
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
                onChange={() => {
                  chooseDoor(choice.value);
                }}
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
        {/* In the page before it speaks: a region inserted with its words is not always read. */}
        <div aria-live="polite">
          {gone && !mine && (
            <p className="notice notice--warning" data-testid="current-gone">
              {t('console.currentGone', { name: visitName(gone) })}
            </p>
          )}
        </div>
        {/* Put away by the clerk: with nobody waiting it stood there all afternoon. Outside the
            region, so that its words are not read with the notice's; the focus goes on to the next person. */}
        {gone && !mine && (
          <p>
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                setGone(null);
                admitNextButton.current?.focus();
              }}
            >
              {t('console.currentGoneClose')}
            </button>
          </p>
        )}
        {mine?.channel === 'onsite' ? (
          <CalledVisit
            entry={mine}
            clock={clockOf}
            onRecall={() => void run(() => counterActions.recall(department.id, mine.id))}
            onDone={() => void finish(mine)}
            onNoShow={() => void endHere(mine, () => counterActions.noShow(department.id, mine.id))}
          />
        ) : mine ? (
          <>
            <p>{t('console.currentWith', { name: mine.name, time: since(mine) })}</p>
            <VisitFactsLine entry={mine} />
            <div className="button-row" ref={currentButtons}>
              <Link className="button button--primary" to={pagePath('call', { visitId: mine.id })}>
                {t('console.toCall')}
              </Link>
              <button type="button" className="button" onClick={() => void finish(mine)}>
                {t('console.finish')}
              </button>
              {/* Let in, never came: not counted as served, nor in the handling time behind the estimates. */}
              <button
                type="button"
                className="button"
                onClick={() => void endHere(mine, () => counterActions.noShow(department.id, mine.id))}
              >
                {t('console.noShowVideo')}
              </button>
            </div>
            <VisitInvites
              key={mine.id}
              departmentId={department.id}
              visitId={mine.id}
              interpreterLanguage={mine.interpreterLanguage}
              timeZone={department.timeZone}
            />
          </>
        ) : (
          <p>{t('console.currentNone')}</p>
        )}
      </section>
      {renderCallReadiness?.(admittedHere, admittedNow?.grant)}

      <section aria-labelledby={`${id}-queue`} className="panel">
        <h2 id={`${id}-queue`}>{t('console.queueHeading')}</h2>
        <p>
          <button
            ref={admitNextButton}
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
        <WalkInDesk
          departmentId={department.id}
          tenantSlug={department.tenantSlug}
          departmentSlug={department.slug}
          ticket={ticket}
          onTicket={setTicket}
          run={run}
        />
        {queue.length === 0 ? (
          <p data-testid="queue-empty">{t('console.empty')}</p>
        ) : (
          <>
            {/* Above the region, not a caption inside it: a caption is as wide as its table, and at
                320 px it ran off the right edge until the table was scrolled. */}
            <p id={`${id}-caption`} className="queue-caption" data-testid="queue-caption">
              {t('console.queueCaption')}
            </p>
            <div className="table-scroll" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
              <table className="queue-table" data-testid="queue" aria-labelledby={`${id}-caption`}>
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
                      <tr
                        key={entry.id}
                        data-testid={`queue-entry-${entry.id}`}
                        onFocus={() => {
                          focusedRow.current = entry.id;
                        }}
                        onBlur={(event) => {
                          // Not when the row goes away under the focus: then nothing takes it.
                          if (event.relatedTarget) focusedRow.current = null;
                        }}
                      >
                        <th scope="row">
                          {/* What a person typed keeps its own script's direction (an Arabic name from the right). */}
                          <bdi>{visitName(entry)}</bdi>
                          <ChannelLabel entry={entry} />
                          {lost?.has(entry.id) && (
                            <span className="badge badge--lost" data-testid="connection-lost">
                              {t('console.connectionLost')}
                            </span>
                          )}
                          {entry.appointment && (
                            <span className="queue-table__appointment" data-testid="queue-appointment">
                              {t('console.appointmentAt', {
                                time: formatClock(new Date(entry.appointment.startsAt), locale, department.timeZone),
                                count: entry.appointment.persons,
                              })}
                            </span>
                          )}
                        </th>
                        <td>
                          {service ? <span lang={service.lang}>{service.text}</span> : <bdi>{entry.concern}</bdi>}
                        </td>
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
                              aria-label={t('console.admitPerson', { name: visitName(entry) })}
                              onClick={() => void admit(entry)}
                            >
                              {t('console.admit')}
                            </button>
                            <button
                              type="button"
                              className="button button--small"
                              aria-label={t('console.declinePerson', { name: visitName(entry) })}
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
          </>
        )}
      </section>

      <AppointmentsPanel
        snapshot={snapshot}
        renderBookedActions={(appointment, done) =>
          appointment.channel === 'onsite' &&
          appointment.state === 'booked' &&
          isToday(appointment, department.timeZone) && (
            <CheckInButton
              departmentId={department.id}
              appointment={appointment}
              onTicket={(ticket) => {
                setTicket(ticket);
                done();
              }}
              run={run}
              now
            />
          )
        }
        renderActions={(appointment) =>
          appointment.state === 'booked' || appointment.state === 'arrived' ? (
            <>
              {appointment.channel === 'onsite' &&
                appointment.state === 'booked' &&
                isToday(appointment, department.timeZone) && (
                  <CheckInButton
                    departmentId={department.id}
                    appointment={appointment}
                    onTicket={setTicket}
                    run={run}
                  />
                )}
              <AppointmentInvites
                departmentId={department.id}
                appointmentId={appointment.id}
                interpreterLanguage={appointment.interpreterLanguage}
                timeZone={department.timeZone}
                name={t('appointments.invitesFor', { name: appointment.name, time: clockOf(appointment.startsAt) })}
                whose={t('appointments.whose', { name: appointment.name, time: clockOf(appointment.startsAt) })}
              />
            </>
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
                  name: visitName(entry),
                  time: since(entry),
                })}
              </li>
            ))}
          </ul>
        </section>
      )}

      {declining && (
        <NoteDialog
          title={t('console.declineTitle', { name: visitName(declining) })}
          noteLabel={t('console.declineNote')}
          noteHint={t('console.declineNoteHint')}
          confirmLabel={t('console.declineConfirm')}
          abortLabel={t('console.cancel')}
          // The declined row is gone with its button: on to the next person, as after finishing.
          fallbackFocus={admitNextButton}
          onClose={() => {
            setDeclining(null);
          }}
          onConfirm={(note) => attempt(() => decline(department.id, declining.id, note))}
          gone={
            queue.some((entry) => entry.id === declining.id)
              ? undefined
              : t('console.declineGone', { name: visitName(declining) })
          }
        />
      )}
    </>
  );
}
