import { PairingCodeSchema, type DeviceView } from '@amtsraum/shared';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLocale } from '../../lib/i18n';
import { problemMessage, useSay, type Message } from '../../lib/message';
import { toApiError } from '../../lib/api';
import { pairKiosk } from './api';

/**
 * Pairing this browser as the department's kiosk with the admin's one-time code. A minimal form of
 * the kiosk's own until the devices feature's pairing form lands (issue 16); same request, same answer.
 */
export function KioskPairing({ onPaired }: { onPaired: (device: DeviceView) => void }) {
  const { t } = useTranslation('kiosk');
  const say = useSay();
  const inputId = useId();
  const errorId = useId();
  const [code, setCode] = useState('');
  const [error, setError] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = PairingCodeSchema.safeParse(code);
    if (!parsed.success) {
      setError({ say: (tr) => tr('kiosk:pairing.invalid') });
      return;
    }
    setBusy(true);
    try {
      onPaired(await pairKiosk(parsed.data, currentLocale()));
    } catch (failure) {
      setError(problemMessage(toApiError(failure)));
      setBusy(false);
    }
  };

  return (
    <form className="kiosk-pairing" onSubmit={(event) => void submit(event)} noValidate>
      <h1 className="kiosk-heading">{t('pairing.title')}</h1>
      <p>{t('pairing.intro')}</p>
      <label htmlFor={inputId} className="kiosk-label">
        {t('pairing.code')}
      </label>
      <input
        id={inputId}
        className="kiosk-input"
        value={code}
        onChange={(event) => {
          setCode(event.target.value);
        }}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
      />
      {error && (
        <p id={errorId} className="kiosk-error" role="alert">
          {say(error)}
        </p>
      )}
      <button type="submit" className="kiosk-button kiosk-button--primary" disabled={busy}>
        {t('pairing.submit')}
      </button>
    </form>
  );
}
