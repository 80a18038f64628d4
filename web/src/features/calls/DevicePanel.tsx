import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { devicesOfKind } from './media/devices';
import type { CallTransport } from './media/transport';
import { useDeviceList } from './useLocalDevices';
import { useRevealWithBar } from './useRevealWithBar';

// In this chunk, loaded once the call shows: not in the call page's first download (its budget).
export { CallAnnouncer } from './CallAnnouncer';
export { DeviceTrouble } from './DeviceTrouble';

/**
 * The call's choice of camera and microphone, opened by the bar's "Devices" button. It expands in
 * place, as a disclosure does (it is no dialog): Escape closes it and gives the focus back to that
 * button.
 */
export function DevicePanel({
  id,
  transport,
  onSwitched,
  onSwitching,
  onFailed,
  onClose,
}: {
  id: string;
  transport: CallTransport;
  onSwitched?: (kind: 'audioinput' | 'videoinput', deviceId: string) => void;
  onSwitching: () => void;
  /** The device could not be opened: said above the stage, and the list shows the choice of before. */
  onFailed: () => void;
  /** Called with false on Escape, which closes the panel as a disclosure's. */
  onClose: (open: false) => void;
}) {
  const { t } = useTranslation('calls');
  const devices = useDeviceList(id);
  // Into view once opened, with the bar it opens in (the "Devices" button, which has the focus, too).
  const panel = useRef<HTMLElement>(null);
  useRevealWithBar(panel, id);
  const [chosen, setChosen] = useState<{ audioinput?: string; videoinput?: string }>({});
  const kinds = [
    { kind: 'videoinput' as const, label: t('devices.camera'), unnamed: 'check.unnamedCamera' as const },
    { kind: 'audioinput' as const, label: t('devices.microphone'), unnamed: 'check.unnamedMicrophone' as const },
  ];
  return (
    <section
      ref={panel}
      id={id}
      className="panel call__devices"
      aria-labelledby={`${id}-heading`}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        // The focus goes back to the button that opened the panel (it controls the panel).
        document.querySelector<HTMLElement>(`[aria-controls="${id}"]`)?.focus();
        onClose(false);
      }}
    >
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
                const before = chosen[kind];
                setChosen((current) => ({ ...current, [kind]: deviceId }));
                onSwitching();
                void transport.switchDevice(kind, deviceId).then(
                  () => onSwitched?.(kind, deviceId),
                  () => {
                    setChosen((current) => ({ ...current, [kind]: before }));
                    onFailed();
                  },
                );
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
