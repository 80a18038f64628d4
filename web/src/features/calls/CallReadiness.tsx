import { pagePath, type CallJoinResponse } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getLiveClient } from '../../lib/live-client';
import { useNavigate } from '../../lib/router';
import { DeviceFields, DevicePreview, useDeviceChoice, type DeviceChoice } from './DeviceChoice';
import { preloadClerkCall, previewCallAhead, startCallAhead } from './call-ahead';
import { registerPreparation } from './prepared-call';

const STORAGE_KEY = 'amtsraum.call.prepare';

function rememberedOn(): boolean {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}

function remember(on: boolean): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

const INTRO = { citizen: 'ready.intro', clerk: 'ready.introClerk', invitee: 'ready.introInvitee' } as const;
const READY = { citizen: 'ready.ready', clerk: 'ready.readyClerk', invitee: 'ready.readyInvitee' } as const;

export interface CallReadinessProps {
  /** A citizen's waiting room, a clerk's console, or an invitee's page (lobby, call not started yet). */
  role: 'citizen' | 'clerk' | 'invitee';
  /**
   * The citizen's visit (or the call an invitee may enter): once `admitted`, the call opens by
   * itself with the prepared devices.
   */
  visitId?: string;
  admitted?: boolean;
  /** The clerk's join answer that came with their admit: their side of the call asks nothing more. */
  grant?: CallJoinResponse;
}

/**
 * The device check while waiting (issue 14): camera and microphone opened, previewed and chosen
 * before the call, kept open, and handed to the call the moment it begins, so that nobody waits
 * for a device check after being let in. Opt-in, and remembered: devices open only when the person
 * asks, since a wait can be long. A citizen goes into the call by themselves once let in; the
 * console's call starts when its clerk lets someone in (`startCallAhead`).
 */
export function CallReadiness({ role, visitId, admitted = false, grant }: CallReadinessProps) {
  const { t } = useTranslation('calls');
  const [on, setOn] = useState(rememberedOn);
  const id = useId();
  // Let in before asking: the way into the call is the page's link and the device check there.
  if (admitted && !on) return null;
  return (
    <section className="panel call-readiness" aria-labelledby={`${id}-heading`} data-testid="call-readiness">
      <h2 id={`${id}-heading`}>{t('ready.heading')}</h2>
      {!on && <p>{t(INTRO[role])}</p>}
      <p>
        <button
          type="button"
          className="button"
          data-testid="prepare-call"
          onClick={() => {
            remember(!on);
            setOn(!on);
          }}
        >
          {on ? t('ready.stop') : t('ready.start')}
        </button>
      </p>
      {on && <PreparedDevices id={id} role={role} visitId={visitId} admitted={admitted} grant={grant} />}
    </section>
  );
}

function PreparedDevices({
  id,
  role,
  visitId,
  admitted,
  grant,
}: {
  id: string;
  role: CallReadinessProps['role'];
  visitId: string | undefined;
  admitted: boolean;
  grant: CallJoinResponse | undefined;
}) {
  const { t } = useTranslation('calls');
  const choice = useDeviceChoice();
  const navigate = useNavigate();
  const latest = useRef<DeviceChoice>(choice);
  useEffect(() => {
    latest.current = choice;
  });

  useEffect(
    () =>
      registerPreparation({
        isReady: () => latest.current.ready && !latest.current.hasProblem,
        release: () => latest.current.release(),
      }),
    [],
  );

  // The call page in the meantime, so that it opens at once.
  useEffect(() => {
    void import('./CallPage').catch(() => {
      // offline for a moment: the route loads it when it opens
    });
  }, []);

  const ready = choice.ready && !choice.hasProblem;
  // The clerk's next call starts with an admit click, an invitee's when the page hears they may
  // enter: LiveKit's code is loaded before it. (A citizen's waiting room asks its visit's preview.)
  useEffect(() => {
    if (role !== 'citizen' && ready) preloadClerkCall();
  }, [role, ready]);
  // Whoever will go into the call at once learns what it runs on while waiting, and starts it the
  // moment the live message says they are let in, not after the waiting room has rendered it.
  useEffect(() => {
    if (role !== 'citizen' || !visitId || !ready || admitted) return;
    previewCallAhead(visitId);
    return getLiveClient().on((message) => {
      if (message.type !== 'visit' || message.visit?.id !== visitId) return;
      if (message.visit.state !== 'admitted' && message.visit.state !== 'in_call') return;
      if (startCallAhead(visitId)) void navigate(pagePath('call', { visitId }));
    });
  }, [role, visitId, ready, admitted, navigate]);
  // The clerk's admit answer (and a citizen's page whose message came before the devices were ready).
  useEffect(() => {
    if (!admitted || !visitId || !ready) return;
    if (!startCallAhead(visitId, { ...(grant ? { granted: grant } : {}) })) return;
    void navigate(pagePath('call', { visitId }));
  }, [admitted, visitId, ready, navigate, grant]);

  return (
    <>
      <div className="device-check__grid">
        <DevicePreview choice={choice} />
        <div className="device-check__form">
          <DeviceFields choice={choice} id={id} />
        </div>
      </div>
      <p role="status" className="call-readiness__status" data-testid="call-ready" data-ready={ready}>
        {ready ? t(READY[role]) : choice.ready ? '' : t('ready.opening')}
      </p>
    </>
  );
}
