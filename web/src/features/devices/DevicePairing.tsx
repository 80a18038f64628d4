import type { DeviceKind, DeviceView } from '@amtsraum/shared';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError, type ApiError } from '../../lib/api';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { ErrorPage } from '../../ui/ErrorPage';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { fetchPairedDevice, pairDevice } from './api';
import './devices.css';

type Pairing =
  | { status: 'checking' }
  | { status: 'form'; failure: Message | null }
  | { status: 'failed'; error: ApiError }
  | { status: 'paired'; device: DeviceView };

/**
 * `#pair=CODE` from the admin's QR code, taken out of the address at once (it is a one-time
 * secret). Whatever follows `pair=` is tried, so that a code garbled on the way is said to be wrong
 * rather than passed over in silence (and left in the address).
 */
function takeCodeFromFragment(): string | null {
  const match = /^#pair=(.*)$/s.exec(window.location.hash);
  if (!match) return null;
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  return match[1]!.slice(0, 100);
}

/**
 * Why a code did not pair, in words: a code of the wrong form (`validation_failed`) is said to be
 * one, with what a code looks like, instead of "some entries are not valid" on a form of one field.
 */
function pairingFailure(problem: ApiError): Message {
  if (problem.code === 'validation_failed') return message((tr) => tr('devices:pairing.malformed'));
  return problemMessage(problem);
}

export interface DevicePairingProps {
  kind: DeviceKind;
  /**
   * The device's page once paired. `unpaired()` brings the pairing form back: the page learnt that
   * the device was revoked (a request answered `device_not_paired`, or its live stream said so).
   */
  children: (device: DeviceView, unpaired: () => void) => ReactNode;
}

/**
 * A kiosk or call display (issue 16) is paired once by a code from its department's admin page:
 * scanned as a QR code (the page opens with `#pair=CODE`) or typed here. Until then, and again
 * after an admin revokes it, the page shows only this form.
 */
export function DevicePairing({ kind, children }: DevicePairingProps) {
  const [pairing, setPairing] = useState<Pairing>({ status: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const fromFragment = takeCodeFromFragment();
    const settle = (work: Promise<{ device: DeviceView }>) =>
      work.then(
        ({ device }) => {
          if (controller.signal.aborted) return;
          setPairing({ status: 'paired', device });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          const problem = toApiError(error);
          if (problem.code === 'device_not_paired') setPairing({ status: 'form', failure: null });
          else if (problem.code === 'pairing_code_invalid' || problem.code === 'validation_failed') {
            setPairing({ status: 'form', failure: pairingFailure(problem) });
          } else setPairing({ status: 'failed', error: problem });
        },
      );
    void settle(fromFragment ? pairDevice(fromFragment, kind) : fetchPairedDevice(kind, controller.signal));
    return () => {
      controller.abort();
    };
  }, [kind, attempt]);

  switch (pairing.status) {
    case 'checking':
      return <LoadingState />;
    case 'failed':
      return (
        <ErrorPage
          error={pairing.error}
          retry={() => {
            setPairing({ status: 'checking' });
            setAttempt((n) => n + 1);
          }}
        />
      );
    case 'form':
      return (
        <PairingForm
          kind={kind}
          failure={pairing.failure}
          onPaired={(device) => {
            setPairing({ status: 'paired', device });
          }}
        />
      );
    case 'paired':
      return children(pairing.device, () => {
        setPairing({ status: 'form', failure: null });
      });
  }
}

function PairingForm({
  kind,
  failure: initialFailure,
  onPaired,
}: {
  kind: DeviceKind;
  failure: Message | null;
  onPaired: (device: DeviceView) => void;
}) {
  const { t } = useTranslation('devices');
  const say = useSay();
  const [code, setCode] = useState('');
  const [failure, setFailure] = useState<Message | null>(initialFailure);
  const [busy, setBusy] = useState(false);
  const failureRef = useRef<HTMLParagraphElement>(null);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures > 0) failureRef.current?.focus();
  }, [failures]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!code.trim()) {
      setFailure(message((tr) => tr('devices:pairing.missing')));
      setFailures((n) => n + 1);
      return;
    }
    setBusy(true);
    pairDevice(code, kind).then(
      ({ device }) => {
        setBusy(false);
        onPaired(device);
      },
      (error: unknown) => {
        setBusy(false);
        setFailure(pairingFailure(toApiError(error)));
        setFailures((n) => n + 1);
      },
    );
  };

  return (
    <div className="device-pairing" data-testid="device-pairing">
      <PageHeading title={t(`pairing.title.${kind}`)} />
      <p className="lead">{t('pairing.intro')}</p>
      <form onSubmit={submit} noValidate className="device-pairing__form">
        <p
          ref={failureRef}
          tabIndex={-1}
          role="alert"
          className={failure ? 'notice notice--warning' : 'visually-hidden'}
          data-testid="device-pairing-failure"
        >
          {failure ? say(failure) : ''}
        </p>
        <div className="field">
          <label htmlFor="device-pairing-code">{t('pairing.code')}</label>
          <p id="device-pairing-code-hint" className="field__hint">
            {t('pairing.codeHint')}
          </p>
          <input
            id="device-pairing-code"
            className="device-pairing__code"
            value={code}
            onChange={(event) => setCode(event.target.value)}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={20}
            aria-describedby="device-pairing-code-hint"
            aria-invalid={failure ? true : undefined}
          />
        </div>
        <button type="submit" className="button button--large" aria-disabled={busy || undefined}>
          {t('pairing.submit')}
        </button>
      </form>
    </div>
  );
}
