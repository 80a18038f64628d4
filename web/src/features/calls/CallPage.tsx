import { pagePath, type CallJoinResponse } from '@amtsraum/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate, useParams } from '../../lib/router';
import { toApiError, type ApiError } from '../../lib/api';
import { usePageFocus } from '../../lib/page-focus';
import { ErrorPage } from '../../ui/ErrorPage';
import { LoadingState } from '../../ui/LoadingState';
import { lazyComponent } from '../../lib/lazy-component';
import { callStatus, joinCall } from './api';
import { CallView } from './CallView';
import type { ClerkCall, ClerkTools } from './clerk-tools';
import type { CallEndedState } from './call-ended-state';
import { DeviceCheck } from './DeviceCheck';
import { adoptCallAhead, callAheadFor } from './call-ahead';
import { openCallChannel } from './media/channel';
import { P2pTransport } from './media/p2p-transport';
import type { SignallingChannel } from './media/signalling';
import type * as KeptDevicesModule from './kept-devices';
import { mayHaveKeptDevices } from './kept-devices-key';
import { claimPreparedCall, hasPreparedCall } from './prepared-call';
import type { CallTransport, LocalMedia } from './media/transport';
import { useCallOver, useCallSnapshot, useDisposeOnUnmount } from './useCall';
import './call.css';

/** The devices kept for a reload during the call: loaded when used, not with the page. */
const withKept = (use: (keeper: typeof KeptDevicesModule) => void) => {
  import('./kept-devices').then(use, () => {});
};

const outOfCall = () => import('./OutOfCall');
const OutOfCall = lazyComponent(() => outOfCall().then((m) => m.OutOfCall), ['calls']);
const CallForbidden = lazyComponent(() => outOfCall().then((m) => m.CallForbidden), ['calls']);
const CallRemoved = lazyComponent(() => outOfCall().then((m) => m.CallRemoved), ['calls']);

/** A grant younger than this still carries a usable LiveKit token (they live ten minutes). */
const FRESH_GRANT_MS = 60_000;

type Phase =
  | { status: 'loading' }
  | { status: 'forbidden'; staff: boolean }
  | { status: 'removed' }
  | { status: 'elsewhere'; queue: string | null; role: CallEndedState['role'] }
  | { status: 'error'; error: ApiError }
  | { status: 'check'; grant: CallJoinResponse }
  | { status: 'call'; grant: CallJoinResponse; transport: CallTransport }
  /** `queue`: a clerk's department, whose queue they go back to (the call goes on without them, or ends). */
  | { status: 'left'; queue: string | null; role: CallEndedState['role'] };

/**
 * What a page that leads into the call may pass along (the history entry keeps it over a reload).
 * `invitee`: the page is an invitee's, whose seat or call may be gone by the time it loads (again):
 * it asks the call's status first, an answer, rather than have the join refused (410 or 403, which
 * the browser logs as a failed load) to say "Sie wurden aus dem Gespräch entfernt" or "Dieses
 * Gespräch können Sie nicht betreten".
 */
export interface CallPageState {
  invitee?: boolean;
}

export interface CallPageProps {
  /** The clerk's tools around the call, from the page's composer (see `ClerkTools`). */
  clerkTools?: (call: ClerkCall) => ClerkTools;
}

/** An invitee's seat that no longer lets them in (their invitation page says the same). */
const SEAT_GONE = ['invite_removed', 'invite_revoked', 'invite_expired'];

function phaseOfError(error: unknown): Phase {
  const apiError = toApiError(error);
  // An invitee taken out of the call who loads its page again: "removed", not "the call has ended
  // or is not yours".
  if (SEAT_GONE.includes(apiError.code)) return { status: 'removed' };
  return apiError.code === 'forbidden'
    ? { status: 'forbidden', staff: apiError.extras.caller === 'staff' }
    : { status: 'error', error: apiError };
}

/** A clerk's department, whose queue a page out of the call leads back to; null for anyone else. */
const queueOf = (grant: CallJoinResponse) => (grant.self.role === 'clerk' ? grant.departmentId : null);

/** `/call/:visitId`: the server's grant, then the device check, then the call. */
export function CallPage({ clerkTools }: CallPageProps) {
  const { visitId = '' } = useParams();
  const invitee = (useLocation().state as CallPageState | null)?.invitee === true;
  const [attempt, setAttempt] = useState(0);
  const key = `${visitId}:${String(attempt)}`;
  const [granted, setGranted] = useState<{ key: string; phase: Phase; at: number } | null>(null);
  const [session, setSession] = useState<{ key: string; phase: Phase } | null>(null);
  const [joining, setJoining] = useState(false);
  const channel = useRef<(SignallingChannel & { close(): void }) | null>(null);
  const { requestFocus } = usePageFocus();
  const focusRequest = useRef(requestFocus);
  useEffect(() => {
    focusRequest.current = requestFocus;
  });

  useEffect(() => {
    let cancelled = false;
    const request = `${visitId}:${String(attempt)}`;
    const refused = (error: unknown) => {
      if (!cancelled) setGranted({ key: request, phase: phaseOfError(error), at: Date.now() });
    };
    // Started already when a prepared visit was let in (call-ahead.ts); a retry starts afresh.
    const ahead = attempt === 0 ? callAheadFor(visitId) : null;
    if (ahead) {
      ahead.then((call) => {
        if (cancelled) return;
        adoptCallAhead(ahead);
        channel.current = call.channel;
        withKept((keeper) => {
          keeper.keepDevices({ visitId, ...call.devices });
        });
        focusRequest.current(); // the call's heading replaces the waiting page's
        setSession({ key: request, phase: { status: 'call', grant: call.grant, transport: call.transport } });
        call.joined.catch((error: unknown) => {
          if (!cancelled) setSession({ key: request, phase: phaseOfError(error) });
        });
      }, refused);
    } else {
      // A failed question is no answer: the join then says what is wrong.
      const seat = invitee ? callStatus(visitId).catch(() => null) : Promise.resolve(null);
      void seat.then((answer) => {
        if (cancelled) return;
        const askedAt = Date.now();
        // `ended` is the join's `forbidden` (403) as an answer: over, or not this seat's call.
        if (answer && answer.status !== 'on') {
          const phase: Phase =
            answer.status === 'removed' ? { status: 'removed' } : { status: 'forbidden', staff: false };
          setGranted({ key: request, phase, at: askedAt });
        } else
          joinCall(visitId).then((grant) => {
            if (!cancelled) setGranted({ key: request, phase: { status: 'check', grant }, at: askedAt });
          }, refused);
      });
    }
    return () => {
      cancelled = true;
    };
  }, [visitId, attempt, invitee]);

  // What happened after the grant (joined, left, refused) wins over the grant itself.
  const phase: Phase =
    session?.key === key ? session.phase : granted?.key === key ? granted.phase : { status: 'loading' };
  const setPhase = (next: Phase) => {
    setSession({ key, phase: next });
  };

  // The signalling socket opens during the device check: joining then costs one message.
  const transportKind = phase.status === 'check' || phase.status === 'call' ? phase.grant.transport : null;
  useEffect(() => {
    // A call started ahead brought its own channel.
    if (transportKind !== 'p2p' || channel.current) return;
    const opened = openCallChannel();
    channel.current = opened;
    return () => {
      // A transport still using it closes it when it is disposed (see below).
      if (channel.current === opened) channel.current = null;
      setTimeout(() => {
        if (channel.current !== opened) opened.close();
      }, 0);
    };
  }, [transportKind]);

  const join = async (local: LocalMedia) => {
    if (phase.status !== 'check' || joining) return;
    setJoining(true);
    try {
      let grant = phase.grant;
      let transport: CallTransport;
      if (grant.transport === 'p2p') {
        const current = channel.current ?? openCallChannel();
        channel.current = current;
        transport = new P2pTransport({ visitId, self: grant.self, iceServers: grant.iceServers, channel: current });
      } else {
        // A fresh token unless the grant is: tokens are short-lived, a device check may take long.
        if (Date.now() - (granted?.at ?? 0) > FRESH_GRANT_MS) grant = await joinCall(visitId);
        if (grant.transport !== 'livekit') throw new Error('transport changed');
        const { LivekitTransport } = await import('./media/livekit-transport');
        transport = new LivekitTransport({
          visitId,
          self: grant.self,
          url: grant.url,
          token: grant.token,
          e2eeKey: grant.e2eeKey,
        });
      }
      requestFocus(); // the call's heading replaces the device check's
      setPhase({ status: 'call', grant, transport });
      // For a reload during the call: back in with these, without the check (kept-devices.ts).
      withKept((keeper) => {
        keeper.keepDevices({
          visitId,
          audioDeviceId: local.audioDeviceId,
          videoDeviceId: local.videoDeviceId,
          camera: local.video !== null,
          microphone: local.audio !== null,
        });
      });
      await transport.join(local);
    } catch (error) {
      for (const track of [local.audio, local.video]) track?.stop();
      setPhase(phaseOfError(error));
    } finally {
      setJoining(false);
    }
  };

  // Devices prepared while waiting (CallReadiness): no device check, straight into the call.
  const [usePrepared, setUsePrepared] = useState(() => hasPreparedCall(visitId));
  const prepared = phase.status === 'check' && usePrepared;
  // Or kept by this tab for this call: the page was reloaded during it (kept-devices.ts). Only on
  // the page's first try: "join again" after leaving checks the devices again.
  const [kept, setKept] = useState(() => mayHaveKeptDevices(visitId));
  const rejoin = phase.status === 'check' && attempt === 0 && !usePrepared && kept;
  const joinPrepared = useRef(join);
  useEffect(() => {
    joinPrepared.current = join;
  });
  const claiming = useRef(false); // one claim at a time, also when StrictMode runs effects twice
  useEffect(() => {
    if (!prepared || claiming.current) return;
    claiming.current = true;
    void claimPreparedCall(visitId).then((local) => {
      claiming.current = false;
      if (local) void joinPrepared.current(local);
      else setUsePrepared(false); // taken already (a rejoin): the device check as usual
    });
  }, [prepared, visitId]);
  useEffect(() => {
    if (!rejoin || claiming.current) return;
    claiming.current = true;
    void import('./kept-devices')
      .then((keeper) => keeper.reopenKeptDevices(visitId))
      .catch(() => null)
      .then((local) => {
        claiming.current = false;
        if (local) void joinPrepared.current(local);
        else setKept(false); // gone, or no longer allowed: the device check as usual
      });
  }, [rejoin, visitId]);

  const retry = useCallback(() => {
    setAttempt((n) => n + 1);
  }, []);

  switch (phase.status) {
    case 'loading':
      return <LoadingState />;
    case 'forbidden':
      return <CallForbidden staff={phase.staff} />;
    case 'removed':
      return <CallRemoved />;
    case 'error':
      return <ErrorPage error={phase.error} retry={retry} />;
    case 'left':
      return (
        <OutOfCall
          why="left"
          visitId={visitId}
          role={phase.role}
          onBack={retry}
          onRemoved={() => setPhase({ status: 'removed' })}
          queue={phase.queue}
        />
      );
    case 'elsewhere':
      return (
        <OutOfCall
          why="elsewhere"
          visitId={visitId}
          role={phase.role}
          onBack={retry}
          onRemoved={() => setPhase({ status: 'removed' })}
          queue={phase.queue}
        />
      );
    case 'check':
      return prepared || rejoin ? (
        <LoadingState />
      ) : (
        <DeviceCheck onJoin={(local) => void join(local)} joining={joining} />
      );
    case 'call':
      return (
        <ActiveCall
          key={phase.transport.kind + visitId}
          visitId={visitId}
          transport={phase.transport}
          role={phase.grant.self.role}
          departmentId={phase.grant.departmentId}
          timeZone={phase.grant.timeZone}
          interpreterLanguage={phase.grant.interpreterLanguage ?? null}
          clerkTools={clerkTools}
          onLeft={() => {
            requestFocus();
            setPhase({ status: 'left', queue: queueOf(phase.grant), role: phase.grant.self.role });
          }}
          onForbidden={(removed) => {
            requestFocus();
            setPhase(
              removed ? { status: 'removed' } : { status: 'forbidden', staff: phase.grant.self.role === 'clerk' },
            );
          }}
          onElsewhere={() => {
            requestFocus();
            setPhase({ status: 'elsewhere', queue: queueOf(phase.grant), role: phase.grant.self.role });
          }}
          onDispose={() => {
            channel.current?.close();
            channel.current = null;
          }}
        />
      );
  }
}

function ActiveCall({
  visitId,
  transport,
  role,
  departmentId,
  timeZone,
  interpreterLanguage,
  clerkTools,
  onLeft,
  onForbidden,
  onElsewhere,
  onDispose,
}: {
  visitId: string;
  transport: CallTransport;
  role: CallEndedState['role'];
  departmentId: string;
  /** The municipality's, from the grant: the call's clocks read it, as the console's do. */
  timeZone: string;
  interpreterLanguage: string | null;
  clerkTools: CallPageProps['clerkTools'];
  onLeft: () => void;
  /** Refused, or (`removed`) taken out of the call by the clerk. */
  onForbidden: (removed: boolean) => void;
  /** The same person joined on another tab or device: the call goes on there. */
  onElsewhere: () => void;
  onDispose: () => void;
}) {
  const snapshot = useCallSnapshot(transport);
  const navigate = useNavigate();
  const { requestFocus } = usePageFocus();
  useDisposeOnUnmount(transport);
  // The page after leaving (or being taken out) is at hand, also if the connection then fails.
  useEffect(() => {
    outOfCall().catch(() => {});
  }, []);

  // After the call the clerk goes back to the queue, where people wait (issue 13: they landed two
  // clicks away), which then focuses "let the next person in" (`afterCall`, read by the console;
  // written out here, not shared: a module shared by the two pages lands in the door page's
  // eager chunk); everybody else gets the closing page.
  const leaveEndedCall = useCallback(() => {
    if (role === 'clerk')
      void navigate(pagePath('console', { departmentId }), { replace: true, state: { afterCall: true } });
    else void navigate(pagePath('callEnded', { visitId }), { replace: true, state: { role } satisfies CallEndedState });
  }, [role, navigate, departmentId, visitId]);
  const left = snapshot.left;
  // Connection lost: the app is asked whether the call goes on (the media's "ended" may be lost too).
  // Not while the clerk's own "end for everyone" takes the call down: the media server may close
  // the page's connection before the app's answer is back, and that is no lost connection (CI).
  const [closing, setClosing] = useState(false);
  const lost =
    (snapshot.connection === 'reconnecting' || snapshot.connection === 'disconnected') &&
    !closing &&
    !snapshot.ended &&
    !left &&
    !snapshot.error;
  const over = useCallOver(visitId, lost);
  const ended = over === 'ended' || snapshot.ended;
  // Taken out while the connection was lost: the page then hears it from the status it asks.
  const removed = snapshot.error === 'removed' || over === 'removed';
  const forbidden = snapshot.error === 'forbidden' || removed;
  const elsewhere = snapshot.error === 'elsewhere';
  // What a reload keeps (kept-devices.ts) follows the switches: a camera turned off stays off.
  const { camera, microphone } = snapshot.self;
  const joinedOnce = snapshot.connection === 'connected';
  useEffect(() => {
    if (joinedOnce)
      withKept((keeper) => {
        keeper.updateKeptDevices(visitId, { camera, microphone });
      });
  }, [visitId, camera, microphone, joinedOnce]);
  const handled = useRef(false);
  // Out of the call, whichever way: a reload of this page is no rejoin any more.
  useEffect(() => {
    if (ended || left || forbidden || elsewhere)
      withKept((keeper) => {
        keeper.forgetKeptDevices(visitId);
      });
  }, [visitId, ended, left, forbidden, elsewhere]);
  useEffect(() => {
    if (!ended || handled.current) return;
    handled.current = true;
    onDispose();
    requestFocus();
    leaveEndedCall();
  }, [ended, leaveEndedCall, onDispose, requestFocus]);
  useEffect(() => {
    if (!(left || forbidden || elsewhere) || handled.current) return;
    handled.current = true;
    onDispose();
    if (forbidden) onForbidden(removed);
    else if (elsewhere) onElsewhere();
    else onLeft();
  }, [left, forbidden, removed, elsewhere, onLeft, onForbidden, onElsewhere, onDispose]);

  const tools = role === 'clerk' ? clerkTools?.({ departmentId, visitId, interpreterLanguage, timeZone }) : undefined;
  const finish = tools?.endForEveryone;
  const noShow = tools?.noShow;
  // Either ends the visit, and with it the call: the clerk goes back to the queue at once.
  const endVisit = async (action: () => Promise<void>) => {
    handled.current = true;
    setClosing(true);
    try {
      await action();
      withKept((keeper) => {
        keeper.forgetKeptDevices(visitId);
      });
    } catch (error) {
      handled.current = false;
      setClosing(false);
      throw error;
    }
    // The server tells everybody (us too) with `call-ended`; the clerk need not wait for it.
    transport.dispose();
    onDispose();
    requestFocus();
    leaveEndedCall();
  };

  return (
    <CallView
      transport={transport}
      timeZone={timeZone}
      tools={tools}
      onEndForEveryone={finish ? () => endVisit(finish) : undefined}
      onNoShow={noShow ? () => endVisit(noShow) : undefined}
      onDeviceSwitched={(kind, deviceId) => {
        withKept((keeper) => {
          keeper.updateKeptDevices(
            visitId,
            kind === 'audioinput' ? { audioDeviceId: deviceId } : { videoDeviceId: deviceId },
          );
        });
      }}
    />
  );
}
