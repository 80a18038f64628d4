import { useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { deviceProblemOf } from './media/devices';
import { useRevealWithBar } from './useRevealWithBar';

/** A camera or microphone switched on in the call that the browser would not open. */
export interface DeviceTroubleState {
  device: 'camera' | 'microphone';
  /** The browser's refusal (getUserMedia's error). */
  reason: unknown;
  /** When it was refused: each refusal is said anew, the same one after "Check again" too. */
  at: number;
}

/**
 * What to do when the camera or microphone will not switch on in the call: the device check's
 * help (allow it in the browser, connect one, close the program that holds it), with "Check again"
 * and "Close". Before, the call said only that it could not be switched. It stands at the top of
 * the call's bar, and gives the focus back to the button that was pressed when it goes (closed,
 * Escape, or the device opened after all).
 */
export function DeviceTrouble({
  trouble,
  onRetry,
  onClose,
}: {
  trouble: DeviceTroubleState;
  onRetry: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('calls');
  const problem = deviceProblemOf(trouble.reason);
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const pressed = document.activeElement;
    const container = box.current;
    return () => {
      const focus = document.activeElement;
      if (pressed instanceof HTMLElement && (focus === document.body || container?.contains(focus))) pressed.focus();
    };
  }, []);
  // Into view with the bar it stands in, as the devices panel (DevicePanel), at each new trouble.
  useRevealWithBar(box, trouble.at);
  return (
    <div
      ref={box}
      className="callout callout--warning call__trouble"
      data-testid={`device-problem-${trouble.device}`}
      data-problem={problem}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <p role="alert" key={trouble.at}>
        {t(`deviceHelp.${trouble.device}.${problem}`)}
      </p>
      <p className="call__trouble-actions">
        <button type="button" className="button" onClick={onRetry}>
          {t('check.retry')}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {t('view.close')}
        </button>
      </p>
    </div>
  );
}
