import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { guardLeaving } from '../../lib/leave-guard';
import { getLiveClient } from '../../lib/live-client';

/**
 * While a citizen waits, a click on a link that leaves the page (the header's "Amtsraum", the
 * footer's Impressum) asks first: only the waiting room calls them in, and a place whose page is
 * not open expires once the server has not seen it for its grace period (VISIT_GRACE_SECONDS, two
 * minutes by default: visits.service.ts, expireAbsentVisits). Asked in a dialog of the page's own,
 * in the citizen's language; "keep waiting" (or Escape) stays, the focus back on the link. Leaving
 * the queue by its button, a link opening a new tab, or reloading is not asked about: a reload
 * keeps the place, as the call page's does the call. Once let in (`called`), the person is asked
 * too, in words for that moment: a click on "Amtsraum" lost their turn. The link into the call
 * (`way`) goes unasked. A chunk of its own, which the waiting room loads with its own code and
 * waits for (WaitingRoomPage.tsx): the question is in force from the first frame that shows the
 * place, set in a layout effect, before any click can come.
 */
export default function LeaveQuestion({ called = false, way }: { called?: boolean; way?: string }) {
  const { t } = useTranslation('waiting');
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const stayRef = useRef<HTMLButtonElement>(null);
  const [asked, setAsked] = useState<{ link: HTMLAnchorElement; answer: (leave: boolean) => void } | null>(null);
  const question = t(called ? 'wait.leaveCalled' : 'wait.leavePage');

  // Left by a link within the app: its live connection went on watching the visit (the protocol
  // has no "unwatch"), so the server kept seeing a page that calls nobody in, and the clerk could
  // let in someone not there. A new connection, without that watch, tells the server the page went.
  const left = useRef(false);
  useEffect(
    () => () => {
      if (left.current) window.setTimeout(() => getLiveClient().reconnectNow(), 0);
    },
    [],
  );

  useLayoutEffect(
    () =>
      guardLeaving(question, {
        ask: (link) =>
          new Promise((answer) => {
            setAsked({ link, answer });
          }),
        ...(way === undefined ? {} : { lets: (to: URL) => to.pathname === way }),
      }),
    [question, way],
  );

  useEffect(() => {
    const dialog = ref.current;
    if (!asked || !dialog) return;
    dialog.showModal();
    stayRef.current?.focus();
    // Gone while asked (let in, or the visit ended): nobody left the page by the link.
    return () => {
      if (dialog.open) dialog.close();
      asked.answer(false);
    };
  }, [asked]);

  const answer = (leave: boolean) => {
    if (!asked) return;
    ref.current?.close(); // first: the page is inert while the dialog is open
    if (!leave) asked.link.focus();
    left.current = leave;
    setAsked(null);
    asked.answer(leave);
  };
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={id}
      data-testid="leave-question"
      onCancel={(event) => {
        event.preventDefault();
        answer(false);
      }}
    >
      <p id={id} className="lead">
        {question}
      </p>
      <div className="button-row">
        <button type="button" className="button button--danger" onClick={() => answer(true)}>
          {t('wait.leaveYes')}
        </button>
        <button ref={stayRef} type="button" className="button" onClick={() => answer(false)}>
          {t(called ? 'wait.leaveCalledNo' : 'wait.leaveNo')}
        </button>
      </div>
    </dialog>
  );
}
