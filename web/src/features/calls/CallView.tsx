import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../ui/PageHeading';
import { ChatPanel } from './ChatPanel';
import { EncryptionNotice } from './EncryptionNotice';
import type { ClerkTools } from './clerk-tools';
import { Icon, type IconName } from './icons';
import { devicesOfKind } from './media/devices';
import { screenShareFocus, type CallErrorCode, type CallTransport, type ConnectionState } from './media/transport';
import { AudioStream, VideoStream } from './MediaElements';
import { ParticipantTile } from './ParticipantTile';
import { useCallSnapshot } from './useCall';
import { useDeviceList } from './useLocalDevices';

interface CallViewProps {
  transport: CallTransport;
  /** Clerk only: ends the call for everyone (and leaves the page). */
  onEndForEveryone?: () => Promise<void>;
  /** Clerk only: the tools the hosting page plugs in (lobby notice, invite panel). */
  tools?: ClerkTools;
}

export function CallView({ transport, onEndForEveryone, tools }: CallViewProps) {
  const { t } = useTranslation('calls');
  const snapshot = useCallSnapshot(transport);
  const { self, remotes } = snapshot;
  const focus = screenShareFocus(snapshot);
  const [chatOpen, setChatOpen] = useState(true);
  const [devicesOpen, setDevicesOpen] = useState(false);
  const [invitesOpen, setInvitesOpen] = useState(false);
  const [audioBlocked, setAudioBlocked] = useState(false);
  const [actionError, setActionError] = useState<CallErrorCode | null>(null);
  const id = useId();
  const everyone = [self, ...remotes];

  const act = (action: () => Promise<void>) => {
    setActionError(null);
    action().catch(() => {
      setActionError('media_failed');
    });
  };
  const onAudioBlocked = useCallback(() => {
    setAudioBlocked(true);
  }, []);

  const isClerk = self.role === 'clerk';
  const error = snapshot.error ?? actionError;

  return (
    <div className="call" data-testid="call" data-connection={snapshot.connection}>
      <div className="call__top">
        <PageHeading title={t('view.title')}>{t('view.heading')}</PageHeading>
        <ConnectionBanner state={snapshot.connection} />
        <EncryptionNotice snapshot={snapshot} />
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

      <div className={`call__body${chatOpen ? ' call__body--chat' : ''}`}>
        <div className="call__stage">
          {focus?.screenStream && (
            <figure className="screen-share" data-testid="screen-share" data-self={focus.isSelf}>
              <VideoStream stream={focus.screenStream} className="screen-share__video" testId="screen-video" />
              <figcaption>{focus.isSelf ? t('view.ownScreen') : t('view.screenOf', { name: focus.name })}</figcaption>
            </figure>
          )}
          <h2 className="visually-hidden" id={`${id}-people`}>
            {t('view.participants')}
          </h2>
          <ul className={`tiles${focus ? ' tiles--strip' : ''}`} aria-labelledby={`${id}-people`}>
            {everyone.map((participant) => (
              <ParticipantTile key={participant.identity} participant={participant} compact={!!focus} />
            ))}
          </ul>
          {remotes.length === 0 && snapshot.connection !== 'disconnected' && (
            <p className="muted call__alone">{t('view.alone')}</p>
          )}
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
            onSend={(text) => {
              transport.sendChat(text);
            }}
          />
        )}
      </div>

      {devicesOpen && <DevicePanel id={`${id}-devices`} transport={transport} />}

      {tools?.notice}

      {tools?.invitePanel && invitesOpen && <div id={`${id}-invites`}>{tools.invitePanel}</div>}

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
                    {t('permissions.allow', { name: participant.name })}
                  </label>
                </li>
              ))}
          </ul>
        </section>
      )}

      <div className="call__controls" role="group" aria-label={t('controls.label')}>
        <ControlButton
          icon={self.microphone ? 'microphone' : 'microphoneOff'}
          label={t('controls.microphone')}
          pressed={self.microphone}
          onClick={() => {
            act(() => transport.setMicrophone(!self.microphone));
          }}
        />
        <ControlButton
          icon={self.camera ? 'camera' : 'cameraOff'}
          label={t('controls.camera')}
          pressed={self.camera}
          onClick={() => {
            act(() => transport.setCamera(!self.camera));
          }}
        />
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
        <ControlButton
          icon="leave"
          label={t('controls.leave')}
          onClick={() => {
            transport.leave();
          }}
        />
        {isClerk && onEndForEveryone && <EndForEveryone onEnd={onEndForEveryone} />}
      </div>
    </div>
  );
}

function ControlButton({
  icon,
  label,
  pressed,
  expanded,
  controls,
  danger = false,
  onClick,
}: {
  icon: IconName;
  label: string;
  pressed?: boolean;
  expanded?: boolean;
  controls?: string;
  danger?: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className={`control${pressed === false ? ' control--off' : ''}${danger ? ' control--danger' : ''}`}
      aria-pressed={pressed}
      aria-expanded={expanded}
      aria-controls={expanded ? controls : undefined}
      onClick={onClick}
    >
      <Icon name={icon} />
      <span className="control__label">{label}</span>
    </button>
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

function EndForEveryone({ onEnd }: { onEnd: () => Promise<void> }) {
  const { t } = useTranslation('calls');
  const [stage, setStage] = useState<'idle' | 'confirm' | 'ending' | 'failed'>('idle');
  if (stage === 'idle' || stage === 'failed') {
    return (
      <>
        <ControlButton
          icon="end"
          danger
          label={t('controls.end')}
          onClick={() => {
            setStage('confirm');
          }}
        />
        {stage === 'failed' && (
          <p role="alert" className="call__end-error">
            {t('controls.endFailed')}
          </p>
        )}
      </>
    );
  }
  return (
    <ConfirmEnd
      ending={stage === 'ending'}
      onYes={() => {
        if (stage === 'ending') return;
        setStage('ending');
        onEnd().catch(() => {
          setStage('failed');
        });
      }}
      onNo={() => {
        setStage('idle');
      }}
    />
  );
}

function ConfirmEnd({ ending, onYes, onNo }: { ending: boolean; onYes: () => void; onNo: () => void }) {
  const { t } = useTranslation('calls');
  const yes = useRef<HTMLButtonElement>(null);
  // The question appears in place of the button: focus goes to it, so keyboard users answer at once.
  useEffect(() => {
    yes.current?.focus();
  }, []);
  return (
    <div className="call__confirm" role="group" aria-label={t('controls.end')}>
      <p>{t('controls.endConfirm')}</p>
      <button ref={yes} type="button" className="button button--danger" aria-disabled={ending} onClick={onYes}>
        {ending ? t('controls.ending') : t('controls.endYes')}
      </button>
      <button type="button" className="button" onClick={onNo}>
        {t('controls.endNo')}
      </button>
    </div>
  );
}

function DevicePanel({ id, transport }: { id: string; transport: CallTransport }) {
  const { t } = useTranslation('calls');
  const devices = useDeviceList(id);
  const [chosen, setChosen] = useState<{ audioinput?: string; videoinput?: string }>({});
  const kinds = [
    { kind: 'videoinput' as const, label: t('devices.camera'), unnamed: 'check.unnamedCamera' as const },
    { kind: 'audioinput' as const, label: t('devices.microphone'), unnamed: 'check.unnamedMicrophone' as const },
  ];
  return (
    <section id={id} className="panel call__devices" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('devices.heading')}</h2>
      {kinds.map(({ kind, label, unnamed }) => {
        const options = devicesOfKind(devices, kind, (index) => t(unnamed, { index }));
        return (
          <div className="field" key={kind}>
            <label htmlFor={`${id}-${kind}`}>{label}</label>
            <select
              id={`${id}-${kind}`}
              value={chosen[kind] ?? ''}
              disabled={options.length === 0}
              onChange={(event) => {
                const deviceId = event.target.value;
                setChosen((current) => ({ ...current, [kind]: deviceId }));
                void transport.switchDevice(kind, deviceId).catch(() => {});
              }}
            >
              <option value="" disabled>
                {options.length === 0 ? t('check.none') : label}
              </option>
              {options.map((option) => (
                <option key={option.deviceId} value={option.deviceId}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
        );
      })}
    </section>
  );
}
