import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../ui/PageHeading';
import { DeviceFields, DevicePreview, useDeviceChoice } from './DeviceChoice';
import type { LocalMedia } from './media/transport';

interface DeviceCheckProps {
  onJoin: (local: LocalMedia) => void;
  joining: boolean;
}

/** Before joining: live preview, device choice, level meter, and joining with camera or microphone off. */
export function DeviceCheck({ onJoin, joining }: DeviceCheckProps) {
  const { t } = useTranslation('calls');
  const choice = useDeviceChoice();
  const id = useId();

  const joinNow = () => {
    onJoin(choice.release());
  };

  // A click while the devices are still opening joins as soon as they are open: nobody joins
  // "camera off" by clicking fast, and nobody waits twice.
  const [wantsToJoin, setWantsToJoin] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (joining) return;
    if (choice.ready) joinNow();
    else setWantsToJoin(true);
  };
  const joinWhenReady = useRef(joinNow);
  useEffect(() => {
    joinWhenReady.current = joinNow;
  });
  useEffect(() => {
    if (!wantsToJoin || !choice.ready) return;
    joinWhenReady.current();
  }, [wantsToJoin, choice.ready]);

  return (
    <div className="device-check" data-testid="device-check">
      <PageHeading title={t('check.title')}>{t('check.heading')}</PageHeading>
      <p className="lead">{t('check.intro')}</p>
      <div className="device-check__grid">
        <DevicePreview choice={choice} />
        <form className="device-check__form" onSubmit={submit} aria-labelledby={`${id}-join`}>
          <DeviceFields choice={choice} id={id} />
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
