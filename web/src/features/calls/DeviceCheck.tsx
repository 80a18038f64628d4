import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../ui/PageHeading';
import { LevelMeter } from './LevelMeter';
import { devicesOfKind } from './media/devices';
import type { LocalMedia } from './media/transport';
import { VideoStream } from './MediaElements';
import { loadDeviceChoice, saveDeviceChoice, useDeviceList, useLocalInput, type Input } from './useLocalDevices';

interface DeviceCheckProps {
  onJoin: (local: LocalMedia) => void;
  joining: boolean;
}

/** Before joining: live preview, device choice, level meter, and joining with camera or microphone off. */
export function DeviceCheck({ onJoin, joining }: DeviceCheckProps) {
  const { t } = useTranslation('calls');
  const [saved] = useState(loadDeviceChoice);
  const [videoDeviceId, setVideoDeviceId] = useState(saved.videoDeviceId);
  const [audioDeviceId, setAudioDeviceId] = useState(saved.audioDeviceId);
  const [wantCamera, setWantCamera] = useState(true);
  const [wantMicrophone, setWantMicrophone] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const camera = useLocalInput('video', videoDeviceId, wantCamera, attempt);
  const microphone = useLocalInput('audio', audioDeviceId, wantMicrophone, attempt);
  const devices = useDeviceList(`${camera.input.status}/${microphone.input.status}`);
  const cameras = devicesOfKind(devices, 'videoinput', (index) => t('check.unnamedCamera', { index }));
  const microphones = devicesOfKind(devices, 'audioinput', (index) => t('check.unnamedMicrophone', { index }));
  const id = useId();

  const videoTrack = camera.input.status === 'ready' ? camera.input.track : null;
  const audioTrack = microphone.input.status === 'ready' ? microphone.input.track : null;
  const preview = useMemo(() => (videoTrack ? new MediaStream([videoTrack]) : null), [videoTrack]);
  const activeVideoId = videoDeviceId ?? videoTrack?.getSettings().deviceId ?? '';
  const activeAudioId = audioDeviceId ?? audioTrack?.getSettings().deviceId ?? '';

  const joinNow = () => {
    saveDeviceChoice({ audioDeviceId: activeAudioId || null, videoDeviceId: activeVideoId || null });
    onJoin({
      video: wantCamera ? camera.release() : null,
      audio: wantMicrophone ? microphone.release() : null,
      videoDeviceId: activeVideoId || null,
      audioDeviceId: activeAudioId || null,
    });
  };

  // A click while the devices are still opening joins as soon as they are open: nobody joins
  // "camera off" by clicking fast, and nobody waits twice.
  const ready = camera.input.status !== 'pending' && microphone.input.status !== 'pending';
  const [wantsToJoin, setWantsToJoin] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (joining) return;
    if (ready) joinNow();
    else setWantsToJoin(true);
  };
  const joinWhenReady = useRef(joinNow);
  useEffect(() => {
    joinWhenReady.current = joinNow;
  });
  useEffect(() => {
    if (!wantsToJoin || !ready) return;
    joinWhenReady.current();
  }, [wantsToJoin, ready]);
  const hasProblem = camera.input.status === 'problem' || microphone.input.status === 'problem';

  return (
    <div className="device-check" data-testid="device-check">
      <PageHeading title={t('check.title')}>{t('check.heading')}</PageHeading>
      <p className="lead">{t('check.intro')}</p>
      <div className="device-check__grid">
        <div className="device-check__preview">
          {preview ? (
            <VideoStream
              stream={preview}
              mirrored
              className="call-video"
              label={t('check.previewLabel')}
              testId="preview"
            />
          ) : (
            <p className="call-placeholder">{t('check.previewOff')}</p>
          )}
        </div>
        <form className="device-check__form" onSubmit={submit} aria-labelledby={`${id}-join`}>
          <fieldset className="device-check__device">
            <legend>{t('check.camera')}</legend>
            <Toggle id={`${id}-camera-on`} checked={wantCamera} onChange={setWantCamera} label={t('check.cameraOn')} />
            <DeviceSelect
              id={`${id}-camera`}
              label={t('check.camera')}
              options={cameras}
              value={activeVideoId}
              none={t('check.none')}
              disabled={!wantCamera}
              onChange={setVideoDeviceId}
            />
            <Problem input={camera.input} device="camera" />
          </fieldset>
          <fieldset className="device-check__device">
            <legend>{t('check.microphone')}</legend>
            <Toggle
              id={`${id}-mic-on`}
              checked={wantMicrophone}
              onChange={setWantMicrophone}
              label={t('check.microphoneOn')}
            />
            <DeviceSelect
              id={`${id}-mic`}
              label={t('check.microphone')}
              options={microphones}
              value={activeAudioId}
              none={t('check.none')}
              disabled={!wantMicrophone}
              onChange={setAudioDeviceId}
            />
            <label htmlFor={`${id}-level`}>{t('check.level')}</label>
            <LevelMeter track={audioTrack} id={`${id}-level`} describedBy={`${id}-level-hint`} />
            <p id={`${id}-level-hint`} className="muted">
              {t('check.levelHint')}
            </p>
            <Problem input={microphone.input} device="microphone" />
          </fieldset>
          {hasProblem && (
            <button
              type="button"
              className="button"
              onClick={() => {
                setAttempt((n) => n + 1);
              }}
            >
              {t('check.retry')}
            </button>
          )}
          <p className="muted">{t('check.noRecording')}</p>
          <button
            id={`${id}-join`}
            type="submit"
            className="button button--primary"
            aria-disabled={joining || wantsToJoin}
            data-testid="join"
          >
            {joining || wantsToJoin ? t('check.joining') : t('check.join')}
          </button>
        </form>
      </div>
    </div>
  );
}

function Toggle({
  id,
  checked,
  onChange,
  label,
}: {
  id: string;
  checked: boolean;
  onChange: (value: boolean) => void;
  label: string;
}) {
  return (
    <div className="check-row">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => {
          onChange(event.target.checked);
        }}
      />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

function DeviceSelect({
  id,
  label,
  options,
  value,
  none,
  disabled,
  onChange,
}: {
  id: string;
  label: string;
  options: { deviceId: string; label: string }[];
  value: string;
  none: string;
  disabled: boolean;
  onChange: (deviceId: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={options.some((o) => o.deviceId === value) ? value : ''}
        disabled={disabled || options.length === 0}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      >
        {options.length === 0 && <option value="">{none}</option>}
        {options.map((option) => (
          <option key={option.deviceId} value={option.deviceId}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function Problem({ input, device }: { input: Input<'audio' | 'video'>; device: 'camera' | 'microphone' }) {
  const { t } = useTranslation('calls');
  return (
    <div role="status" aria-live="polite">
      {input.status === 'problem' && (
        <p className="callout callout--warning" data-testid={`device-problem-${device}`} data-problem={input.problem}>
          {t(`deviceHelp.${device}.${input.problem}`)}
        </p>
      )}
    </div>
  );
}
