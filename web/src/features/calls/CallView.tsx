import {
  Suspense,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type CSSProperties,
  type RefObject,
} from 'react';
import { useTranslation } from 'react-i18next';
import { lazyComponent } from '../../lib/lazy-component';
import { PageHeading } from '../../ui/PageHeading';
import { ChatPanel } from './ChatPanel';
import { EncryptionNotice } from './EncryptionNotice';
import type { ClerkTools } from './clerk-tools';
import { ControlButton } from './ControlButton';
import type { DeviceTroubleState } from './DeviceTrouble';
import {
  screenShareFocus,
  type CallErrorCode,
  type CallTransport,
  type ConnectionState,
  type ParticipantView,
} from './media/transport';
import { AudioStream, VideoStream } from './MediaElements';
import { ParticipantTile } from './ParticipantTile';
import { participantName } from './participant-name';
import { useCallSnapshot } from './useCall';

// The clerk's only, with the console's texts (the clerk comes from the console, which has them):
// not in every citizen's call page (its budget, web/vite.config.ts).
const NotJoined = lazyComponent(() => import('./NotJoined').then((m) => m.NotJoined), ['console']);
const EndForEveryone = lazyComponent(() => import('./EndForEveryone').then((m) => m.EndForEveryone), ['calls']);
// Opened by few, so not in the call page's first download; fetched once the call is shown.
const DevicePanel = lazyComponent(() => import('./DevicePanel').then((m) => m.DevicePanel), ['calls']);
// What a screen reader is told as the call changes (its chunk is the devices panel's).
const CallAnnouncer = lazyComponent(() => import('./DevicePanel').then((m) => m.CallAnnouncer), ['calls']);
// Help for a camera or microphone that would not open, in the same chunk.
const DeviceTrouble = lazyComponent(() => import('./DevicePanel').then((m) => m.DeviceTrouble), ['calls']);

interface CallViewProps {
  transport: CallTransport;
  /** The municipality's time zone: chat times read it, as the console's clocks do. */
  timeZone: string;
  /** Clerk only: ends the call for everyone (and leaves the page). */
  onEndForEveryone?: () => Promise<void>;
  /** Clerk only: the citizen never joined; ends the visit as a no-show (and leaves the page). */
  onNoShow?: () => Promise<void>;
  /** Another camera or microphone was chosen in the call. */
  onDeviceSwitched?: (kind: 'audioinput' | 'videoinput', deviceId: string) => void;
  /** Clerk only: the tools the hosting page plugs in (lobby notice, invite panel). */
  tools?: ClerkTools;
}

/**
 * Who is shown big: everyone else but guests (the clerk for a citizen, a signing interpreter, the
 * citizen for a clerk), or the guests when they are the only others. The rest (guests, and one's
 * own picture) go to the strip, small (issue 13: on a phone one's own camera filled the screen).
 */
function splitParticipants(remotes: ParticipantView[]) {
  const primary = remotes.filter((participant) => participant.role !== 'guest');
  if (primary.length === 0) return { main: remotes, strip: [] };
  return { main: primary, strip: remotes.filter((participant) => participant.role === 'guest') };
}

/** The clerk first, then an interpreter, the citizen, guests: who comes first stays in view on a phone. */
const ROLE_ORDER = { clerk: 0, interpreter: 1, citizen: 2, guest: 3 } as const;
const byRole = (a: ParticipantView, b: ParticipantView) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role];

/** Least height of the stage: on a landscape phone it scrolls rather than shrinking to nothing. */
const MIN_STAGE_PX = 160;

/**
 * Sizes the stage to what the viewport leaves above the control bar at rest (page scrolled to the
 * top), so no video and no name is ever under the bar, and keeps focused elements out from under
 * it too (scroll-padding). Follows the bar (which wraps on narrow screens, and grows when asking
 * "end for everyone?"), the page above the stage, and the window. Where even that leaves less than
 * the least stage (a small phone, the clerk's many controls), the bar stops floating and follows
 * the page: scrolling to reach it beats a bar over the people.
 */
function useStageFit(stage: RefObject<HTMLDivElement | null>, bar: RefObject<HTMLDivElement | null>) {
  const [fit, setFit] = useState<{ height: number; width: number; cramped: boolean } | null>(null);
  useLayoutEffect(() => {
    const root = document.documentElement;
    const update = () => {
      const stageElement = stage.current;
      const barElement = bar.current;
      if (!stageElement || !barElement) return;
      const barHeight = barElement.getBoundingClientRect().height;
      const top = stageElement.getBoundingClientRect().top + window.scrollY;
      // A little air between the stage and the bar, as between every block of the page.
      const room = Math.floor(window.innerHeight - top - barHeight - 12);
      const cramped = room < MIN_STAGE_PX;
      const height = Math.max(MIN_STAGE_PX, room);
      const width = stageElement.clientWidth;
      setFit((previous) =>
        previous?.height === height && previous.width === width && previous.cramped === cramped
          ? previous
          : { height, width, cramped },
      );
      root.style.scrollPaddingBottom = cramped ? '' : `${String(Math.ceil(barHeight) + 8)}px`;
    };
    update();
    const observer = new ResizeObserver(update);
    if (bar.current) observer.observe(bar.current);
    observer.observe(document.body);
    window.addEventListener('resize', update);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', update);
      root.style.scrollPaddingBottom = '';
    };
  }, [stage, bar]);
  return fit;
}

/**
 * Brings a panel the person just opened into view with the bar it opens in, so the button that
 * opened it stays in view too, and again as its content arrives (it loads lazily). On a phone the
 * panel, taller than the screen, came in with its top at the screen's foot and the button below.
 */
function useRevealWhenOpened(open: boolean, id: string) {
  useEffect(() => {
    const panel = open && document.getElementById(id);
    if (!panel) return;
    const observer = new ResizeObserver(() => panel.parentElement?.scrollIntoView({ block: 'nearest' }));
    observer.observe(panel);
    return () => {
      observer.disconnect();
    };
  }, [open, id]);
}

export function CallView({ transport, timeZone, onEndForEveryone, onNoShow, onDeviceSwitched, tools }: CallViewProps) {
  const { t } = useTranslation('calls');
  const snapshot = useCallSnapshot(transport);
  const { self, remotes } = snapshot;
  const focus = screenShareFocus(snapshot);
  const [chatOpen, setChatOpen] = useState(true);
  const [devicesOpen, setDevicesOpen] = useState(false);
  const [invitesOpen, setInvitesOpen] = useState(false);
  const [audioBlocked, setAudioBlocked] = useState(false);
  const [actionError, setActionError] = useState<CallErrorCode | null>(null);
  const [trouble, setTrouble] = useState<DeviceTroubleState | null>(null);
  const id = useId();
  const stageRef = useRef<HTMLDivElement>(null);
  const barRef = useRef<HTMLDivElement>(null);
  const fit = useStageFit(stageRef, barRef);
  useEffect(() => {
    CallAnnouncer.preload().catch(() => {});
  }, []);
  // A click on "Amtsraum" in the header would end the call: asked first (loaded after the call shows).
  const leaveQuestion = t('view.leaveQuestion');
  useEffect(() => {
    let stop: (() => void) | undefined;
    let gone = false;
    import('../../lib/leave-guard').then(
      (guard) => {
        if (!gone) stop = guard.guardLeaving(leaveQuestion);
      },
      () => {},
    );
    return () => {
      gone = true;
      stop?.();
    };
  }, [leaveQuestion]);
  useRevealWhenOpened(invitesOpen, `${id}-invites`);
  // With a shared screen, the screen is big and every camera goes to the strip, the others before
  // one's own; without, the others are big and one's own picture is small.
  const ordered = [...remotes].sort(byRole);
  const { main, strip } = focus ? { main: [], strip: ordered } : splitParticipants(ordered);
  const layout = focus ? 'share' : main.length > 0 ? `people-${String(Math.min(main.length, 4))}` : 'alone';
  // A shared screen takes the cameras beside it only where that leaves it most of the width: on
  // a phone it keeps the whole width, the cameras below.
  const shape = fit && fit.width >= fit.height * (focus ? 1.25 : 1) ? 'wide' : 'tall';
  // The strip's pictures share its length so that the people one talks to and one's own picture
  // fit side by side: one's own picture stays in view at the strip's end and must not cover them
  // (issue 13: during a share on a phone it covered the interpreter). Guests may scroll beneath it.
  const stripFit = splitParticipants(strip).main.length + 1;

  const act = (action: () => Promise<void>) => {
    setActionError(null);
    action().catch(() => {
      setActionError('media_failed');
    });
  };
  // Switched on, refused by the browser: the device check's help (DeviceTrouble), not only "failed".
  const toggle = (device: DeviceTroubleState['device'], on: boolean) => {
    setActionError(null);
    (device === 'camera' ? transport.setCamera(on) : transport.setMicrophone(on)).then(
      () => {
        setTrouble((shown) => (shown?.device === device ? null : shown));
      },
      (reason: unknown) => {
        if (on) setTrouble({ device, reason, at: Date.now() });
        else setActionError('media_failed');
      },
    );
  };
  const onAudioBlocked = useCallback(() => {
    setAudioBlocked(true);
  }, []);

  const isClerk = self.role === 'clerk';
  const error = snapshot.error ?? actionError;
  // Once the citizen was here, they came: a reload or a lost connection of theirs is no no-show.
  const citizenHere = remotes.some((participant) => participant.role === 'citizen');
  const [citizenCame, setCitizenCame] = useState(false);
  if (citizenHere && !citizenCame) setCitizenCame(true);
  // Who was here last: once they have gone, the empty stage says so (it said "not here yet",
  // while the screen reader's status said they had left).
  const [wereHere, setWereHere] = useState(remotes);
  if (remotes.length > 0 && remotes !== wereHere) setWereHere(remotes);

  return (
    <div
      className={`call${fit?.cramped ? ' call--cramped' : ''}`}
      data-testid="call"
      data-connection={snapshot.connection}
    >
      <div className="call__top">
        <PageHeading title={t('view.title')}>{t('view.heading')}</PageHeading>
        <ConnectionBanner state={snapshot.connection} />
        <EncryptionNotice snapshot={snapshot} />
        <Suspense fallback={null}>
          <CallAnnouncer snapshot={snapshot} />
        </Suspense>
      </div>
      {error && (
        <p className="callout callout--warning" role="alert">
          {t(`errors.${error}`)}
        </p>
      )}
      {audioBlocked && (
        <p className="callout" role="status">
          {t('view.audioBlocked')}{' '}
          <button
            type="button"
            className="button"
            onClick={() => {
              setAudioBlocked(false);
              for (const audio of document.querySelectorAll<HTMLAudioElement>('audio.call-audio')) {
                void audio.play().catch(() => {});
              }
            }}
          >
            {t('view.enableAudio')}
          </button>
        </p>
      )}

      {/* Above the stage, so the clerk sees who waits in a lobby without scrolling. */}
      {tools?.notice}
      {/* The clerk waits here for the citizen they let in: if nobody comes, the next person is let in. */}
      {isClerk && onNoShow && !citizenHere && !citizenCame && (
        <Suspense fallback={null}>
          <NotJoined onNoShow={onNoShow} />
        </Suspense>
      )}

      <div className={`call__body${chatOpen ? ' call__body--chat' : ''}`}>
        <div
          ref={stageRef}
          className="call__stage"
          data-testid="call-stage"
          data-layout={layout}
          data-shape={shape}
          style={
            {
              '--strip-fit': stripFit,
              ...(fit ? { '--call-stage-height': `${String(fit.height)}px` } : {}),
            } as CSSProperties
          }
        >
          <h2 className="visually-hidden" id={`${id}-people`}>
            {t('view.participants')}
          </h2>
          <div className="call__main">
            {focus?.screenStream ? (
              <figure className="screen-share" data-testid="screen-share" data-self={focus.isSelf}>
                <VideoStream stream={focus.screenStream} className="screen-share__video" testId="screen-video" />
                <figcaption>
                  {focus.isSelf ? t('view.ownScreen') : t('view.screenOf', { name: participantName(t, focus).name })}
                </figcaption>
              </figure>
            ) : main.length > 0 ? (
              <ul className="tiles tiles--main" aria-labelledby={`${id}-people`}>
                {main.map((participant) => (
                  <ParticipantTile key={participant.identity} participant={participant} size="main" />
                ))}
              </ul>
            ) : (
              snapshot.connection !== 'disconnected' && (
                <p className="call__alone" data-testid="alone">
                  {wereHere.length > 0
                    ? wereHere.map((gone) => t('view.left', { name: participantName(t, gone).name })).join(' ')
                    : t('view.alone')}
                </p>
              )
            )}
          </div>
          {/* Focusable: the strip scrolls when it holds more pictures than it shows (keyboard users scroll it too). */}
          <ul className="tiles tiles--strip" aria-label={t('view.stripLabel')} tabIndex={0}>
            {strip.map((participant) => (
              <ParticipantTile key={participant.identity} participant={participant} size="strip" />
            ))}
            <ParticipantTile participant={self} size="self" />
          </ul>
          {remotes.map(
            (participant) =>
              participant.audioStream && (
                <AudioStream key={participant.identity} stream={participant.audioStream} onBlocked={onAudioBlocked} />
              ),
          )}
        </div>
        {chatOpen && (
          <ChatPanel
            id={`${id}-chat`}
            messages={snapshot.chat}
            timeZone={timeZone}
            onSend={(text) => {
              transport.sendChat(text);
            }}
          />
        )}
      </div>

      {isClerk && remotes.some((p) => p.role !== 'clerk') && (
        <section className="panel call__permissions" aria-labelledby={`${id}-perm`}>
          <h2 id={`${id}-perm`}>{t('permissions.heading')}</h2>
          <ul className="plain-list">
            {remotes
              .filter((p) => p.role !== 'clerk')
              .map((participant) => (
                <li key={participant.identity} className="check-row">
                  <input
                    id={`${id}-allow-${participant.identity}`}
                    type="checkbox"
                    checked={participant.canShareScreen}
                    onChange={(event) => {
                      transport.allowScreenShare(participant.identity, event.target.checked);
                    }}
                  />
                  <label htmlFor={`${id}-allow-${participant.identity}`}>
                    {t('permissions.allow', { name: participantName(t, participant).name })}
                  </label>
                </li>
              ))}
          </ul>
        </section>
      )}

      <div ref={barRef} className="call__controls" role="group" aria-label={t('controls.label')}>
        <ControlButton
          icon={self.microphone ? 'microphone' : 'microphoneOff'}
          label={t('controls.microphone')}
          pressed={self.microphone}
          onClick={() => {
            toggle('microphone', !self.microphone);
          }}
        />
        <ControlButton
          icon={self.camera ? 'camera' : 'cameraOff'}
          label={t('controls.camera')}
          pressed={self.camera}
          onClick={() => {
            toggle('camera', !self.camera);
          }}
        />
        {/* After the buttons it helps with (Tab goes on into it), shown above the bar, as the panels. */}
        {trouble && (
          <Suspense fallback={null}>
            <DeviceTrouble
              trouble={trouble}
              onRetry={() => {
                toggle(trouble.device, true);
              }}
              onClose={() => {
                setTrouble(null);
              }}
            />
          </Suspense>
        )}
        {self.canShareScreen && (
          <ControlButton
            icon="screen"
            label={self.screen ? t('controls.stopShare') : t('controls.share')}
            onClick={() => {
              act(() => (self.screen ? transport.stopScreenShare() : transport.startScreenShare()));
            }}
          />
        )}
        <ControlButton
          icon="chat"
          label={t('controls.chat')}
          expanded={chatOpen}
          controls={`${id}-chat`}
          onClick={() => {
            setChatOpen((open) => !open);
          }}
        />
        <ControlButton
          icon="settings"
          label={t('controls.devices')}
          expanded={devicesOpen}
          controls={`${id}-devices`}
          onClick={() => {
            setDevicesOpen((open) => !open);
          }}
        />
        {devicesOpen && (
          <Suspense fallback={null}>
            <DevicePanel
              id={`${id}-devices`}
              transport={transport}
              onSwitched={onDeviceSwitched}
              onSwitching={() => {
                setActionError(null);
              }}
              onFailed={() => {
                setActionError('media_failed');
              }}
              onClose={setDevicesOpen}
            />
          </Suspense>
        )}
        {tools?.invitePanel && (
          <ControlButton
            icon="invite"
            label={t('controls.invite')}
            expanded={invitesOpen}
            controls={`${id}-invites`}
            onClick={() => {
              setInvitesOpen((open) => !open);
            }}
          />
        )}
        {tools?.invitePanel && invitesOpen && (
          <div id={`${id}-invites`} className="call__invites">
            {tools.invitePanel}
          </div>
        )}
        <ControlButton
          icon="leave"
          label={t('controls.leave')}
          onClick={() => {
            transport.leave();
          }}
        />
        {isClerk && onEndForEveryone && (
          <Suspense fallback={null}>
            <EndForEveryone onEnd={onEndForEveryone} />
          </Suspense>
        )}
      </div>
    </div>
  );
}

function ConnectionBanner({ state }: { state: ConnectionState }) {
  const { t } = useTranslation('calls');
  return (
    <p className={`connection connection--${state}`} role="status" data-testid="connection" data-state={state}>
      {t(`connection.${state}`)}
    </p>
  );
}
