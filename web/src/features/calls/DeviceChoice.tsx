import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LevelMeter } from './LevelMeter';
import { devicesOfKind } from './media/devices';
import type { LocalMedia } from './media/transport';
import { VideoStream } from './MediaElements';
import { loadDeviceChoice, saveDeviceChoice, useDeviceList, useLocalInput, type Input } from './useLocalDevices';

/**
 * Camera and microphone as a person chooses them before a call: open while wanted, with the
 * device they picked, the choice remembered. Shared by the call page's device check and the
 * preparation while waiting (CallReadiness), which keeps them open until the call begins.
 */
export function useDeviceChoice() {
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

  const videoTrack = camera.input.status === 'ready' ? camera.input.track : null;
  const audioTrack = microphone.input.status === 'ready' ? microphone.input.track : null;
  const preview = useMemo(() => (videoTrack ? new MediaStream([videoTrack]) : null), [videoTrack]);
  const activeVideoId = videoDeviceId ?? videoTrack?.getSettings().deviceId ?? '';
  const activeAudioId = audioDeviceId ?? audioTrack?.getSettings().deviceId ?? '';

  /** Hands the open tracks over (they are no longer stopped here) and remembers the devices. */
  const release = (): LocalMedia => {
    saveDeviceChoice({ audioDeviceId: activeAudioId || null, videoDeviceId: activeVideoId || null });
    return {
      video: wantCamera ? camera.release() : null,
      audio: wantMicrophone ? microphone.release() : null,
      videoDeviceId: activeVideoId || null,
      audioDeviceId: activeAudioId || null,
    };
  };

  return {
    camera: camera.input,
    microphone: microphone.input,
    cameras,
    microphones,
    preview,
    audioTrack,
    wantCamera,
    setWantCamera,
    wantMicrophone,
    setWantMicrophone,
    activeVideoId,
    setVideoDeviceId,
    activeAudioId,
    setAudioDeviceId,
    /** Nothing is still opening. */
    ready: camera.input.status !== 'pending' && microphone.input.status !== 'pending',
    hasProblem: camera.input.status === 'problem' || microphone.input.status === 'problem',
    retry: () => {
      setAttempt((n) => n + 1);
    },
    release,
  };
}

export type DeviceChoice = ReturnType<typeof useDeviceChoice>;

/** The camera's live picture, or a note that it is off. */
export function DevicePreview({ choice }: { choice: DeviceChoice }) {
  const { t } = useTranslation('calls');
  return (
    <div className="device-check__preview">
      {choice.preview ? (
        <VideoStream
          stream={choice.preview}
          mirrored
          className="call-video"
          label={t('check.previewLabel')}
          testId="preview"
        />
      ) : (
        <p className="call-placeholder">{t('check.previewOff')}</p>
      )}
    </div>
  );
}

/** On/off, device and level for camera and microphone, with help for each problem. */
export function DeviceFields({ choice, id }: { choice: DeviceChoice; id: string }) {
  const { t } = useTranslation('calls');
  return (
    <>
      <fieldset className="device-check__device">
        <legend>{t('check.camera')}</legend>
        <Toggle
          id={`${id}-camera-on`}
          checked={choice.wantCamera}
          onChange={choice.setWantCamera}
          label={t('check.cameraOn')}
        />
        <DeviceSelect
          id={`${id}-camera`}
          label={t('check.camera')}
          options={choice.cameras}
          value={choice.activeVideoId}
          none={t('check.none')}
          disabled={!choice.wantCamera}
          onChange={choice.setVideoDeviceId}
        />
        <Problem input={choice.camera} device="camera" />
      </fieldset>
      <fieldset className="device-check__device">
        <legend>{t('check.microphone')}</legend>
        <Toggle
          id={`${id}-mic-on`}
          checked={choice.wantMicrophone}
          onChange={choice.setWantMicrophone}
          label={t('check.microphoneOn')}
        />
        <DeviceSelect
          id={`${id}-mic`}
          label={t('check.microphone')}
          options={choice.microphones}
          value={choice.activeAudioId}
          none={t('check.none')}
          disabled={!choice.wantMicrophone}
          onChange={choice.setAudioDeviceId}
        />
        <label htmlFor={`${id}-level`}>{t('check.level')}</label>
        <LevelMeter track={choice.audioTrack} id={`${id}-level`} describedBy={`${id}-level-hint`} />
        <p id={`${id}-level-hint`} className="muted">
          {t('check.levelHint')}
        </p>
        <Problem input={choice.microphone} device="microphone" />
      </fieldset>
      {choice.hasProblem && (
        <button type="button" className="button" onClick={choice.retry}>
          {t('check.retry')}
        </button>
      )}
    </>
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
