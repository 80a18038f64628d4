import { pagePath } from '@amtsraum/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from '../../lib/router';
import { usePageFocus } from '../../lib/page-focus';
import { PageHeading } from '../../ui/PageHeading';
import { RetryButton } from '../../ui/RetryButton';
import { callStatus } from './api';
import type { CallEndedState } from './call-ended-state';
import { useCallOver } from './useCall';

// The call page's pages out of the call, loaded when one shows: most calls never show them, and
// the call page's first download is held to its budget (web/vite.config.ts).

export function CallForbidden({ staff }: { staff: boolean }) {
  const { t } = useTranslation('calls');
  return (
    <div data-testid="call-forbidden">
      <PageHeading title={t('forbidden.title')}>{t('forbidden.heading')}</PageHeading>
      <p className="lead">{t('forbidden.text')}</p>
      <ul className="link-list">
        <li>
          <Link to={pagePath('home')}>{t('forbidden.home')}</Link>
        </li>
        {staff && (
          <li>
            <Link to={pagePath('staffHome')}>{t('forbidden.staff')}</Link>
          </li>
        )}
      </ul>
    </div>
  );
}

export function CallRemoved() {
  const { t } = useTranslation('calls');
  return (
    <div data-testid="call-removed">
      <PageHeading title={t('removed.title')}>{t('removed.heading')}</PageHeading>
      <p className="lead">{t('removed.text')}</p>
      <ul className="link-list">
        <li>
          <Link to={pagePath('home')}>{t('forbidden.home')}</Link>
        </li>
      </ul>
    </div>
  );
}

/**
 * This page is out of the call, and can go back in: the person left it (`left`), or joined again
 * in another tab or on another device, so this page let go (`elsewhere`). Until the call ends: the
 * page asks now and then, and when it has ended, it shows the closing page the call would have
 * shown (it offered "Wieder beitreten" into a call that was over, and learnt that only then).
 */
export function OutOfCall({
  why,
  visitId,
  role,
  onBack,
  onRemoved,
  queue = null,
}: {
  why: 'left' | 'elsewhere';
  visitId: string;
  role: CallEndedState['role'];
  onBack: () => void;
  /** An invitee taken out of the call (or whose link ended) meanwhile. */
  onRemoved: () => void;
  /**
   * A clerk's department: the way back to work, offered after leaving (the call goes on till they
   * end it), and taken when the call ends meanwhile, here or in another tab.
   */
  queue?: string | null;
}) {
  const { t } = useTranslation('calls');
  const navigate = useNavigate();
  const { requestFocus } = usePageFocus();
  const [asking, setAsking] = useState(false);
  const over = useCallOver(visitId, true);
  // A clerk out of the call (left, or gone on in another tab) goes back to the queue when it ends,
  // where people wait, with the focus on the next person, as when the call ends while they are in
  // it (CallPage's `leaveEndedCall`); they got a closing page whose way back led to "Zu Ihren
  // Ämtern", two steps away. Everybody else: the closing page.
  const showEnded = useCallback(() => {
    requestFocus();
    if (queue)
      void navigate(pagePath('console', { departmentId: queue }), { replace: true, state: { afterCall: true } });
    else void navigate(pagePath('callEnded', { visitId }), { replace: true, state: { role } satisfies CallEndedState });
  }, [navigate, requestFocus, visitId, role, queue]);
  const removed = useRef(onRemoved);
  useEffect(() => {
    removed.current = onRemoved;
  });
  useEffect(() => {
    if (over === 'ended') showEnded();
    else if (over === 'removed') {
      requestFocus();
      removed.current();
    }
  }, [over, showEnded, requestFocus]);
  // The clerk who left is offered the queue; in another tab, the call goes on there.
  const toQueue = why === 'left' ? queue : null;
  // The call may have ended since the page last asked: asked once more before going back in.
  const back = () => {
    if (asking) return;
    setAsking(true);
    callStatus(visitId).then(
      (answer) => {
        if (answer.status === 'ended') showEnded();
        else if (answer.status === 'removed') onRemoved();
        else onBack();
      },
      () => {
        onBack(); // the join says what is wrong
      },
    );
  };
  return (
    <div data-testid={`call-${why}`}>
      <PageHeading title={t(`${why}.title`)}>{t(`${why}.heading`)}</PageHeading>
      <p className="lead">{toQueue ? t('left.clerkText') : t(`${why}.text`)}</p>
      <RetryButton className="button button--primary" onClick={back}>
        {t(`${why}.back`)}
      </RetryButton>
      {toQueue && (
        <ul className="link-list">
          <li>
            {/* On to the next person there, as after every call (the console focused its heading). */}
            <Link to={pagePath('console', { departmentId: toQueue })} state={{ afterCall: true }}>
              {t('left.toQueue')}
            </Link>
          </li>
        </ul>
      )}
    </div>
  );
}
