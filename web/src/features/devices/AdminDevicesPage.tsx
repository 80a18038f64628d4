import { pagePath, type AdminDevice, type DeviceKind, type DevicePairing, intlLocale } from '@amtsraum/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { Link, useParams } from '../../lib/router';
import { keepWhileReloading } from '../../lib/useLoad';
import { LoadStateView } from '../../ui/LoadStateView';
import { isRefused, NoRight, ToSignIn, useRefusal } from '../../ui/LostRight';
import { PageHeading } from '../../ui/PageHeading';
import { QrCode } from '../../ui/QrCode';
import { NotFoundOr } from '../directory';
import { addDevice, pairingUrl, renewPairing, revokeDevice, useDevices, type DepartmentRef } from './api';
import './devices.css';

/**
 * `/admin/:tenant/departments/:department/devices` (issue 16): the department's kiosks and call
 * displays, with when each was last seen; adding one shows its one-time pairing code, large and as
 * a QR code of the device's page; a new code, and revoking (asked once more).
 */
export function AdminDevicesPage() {
  const { t } = useTranslation('devices');
  const params = useParams();
  const ref: DepartmentRef = { tenant: params.tenant ?? '', department: params.department ?? '' };
  const state = keepWhileReloading(useDevices(ref));
  if (state.status === 'error' && state.error.code === 'unauthorized') {
    return <ToSignIn />;
  }
  return (
    <NotFoundOr refused={isRefused(state)}>
      <PageHeading title={t('title')} />
      <p>
        <Link to={pagePath('adminDepartment', ref)}>{t('back')}</Link>
      </p>
      <p className="lead">{t('intro')}</p>
      {isRefused(state) ? (
        <NoRight reason="admin" testId="admin-forbidden" />
      ) : (
        <LoadStateView state={state}>
          {(data) => <Devices refOf={ref} devices={data.devices} reload={state.reload} />}
        </LoadStateView>
      )}
    </NotFoundOr>
  );
}

function Devices({ refOf, devices, reload }: { refOf: DepartmentRef; devices: AdminDevice[]; reload: () => void }) {
  const { t } = useTranslation('devices');
  const say = useSay();
  const refusal = useRefusal();
  const [adding, setAdding] = useState<DeviceKind | null>(null);
  const [pairing, setPairing] = useState<DevicePairing | null>(null);
  const [status, setStatus] = useState<Message | null>(null);
  const [failure, setFailure] = useState<Message | null>(null);
  const statusRef = useRef<HTMLParagraphElement>(null);
  const [focusStatus, setFocusStatus] = useState(0);
  useEffect(() => {
    if (focusStatus > 0) statusRef.current?.focus();
  }, [focusStatus]);

  /** Runs an action; true when it went through. */
  const act = async (work: () => Promise<void>): Promise<boolean> => {
    setFailure(null);
    refusal.clear();
    try {
      await work();
      reload();
      return true;
    } catch (error) {
      const problem = toApiError(error);
      if (!refusal.refused(problem)) setFailure(problemMessage(problem));
      return false;
    }
  };

  return (
    <>
      {refusal.notice}
      {failure && (
        <p className="notice notice--warning" role="alert" data-testid="devices-failure">
          {say(failure)}
        </p>
      )}
      <p
        ref={statusRef}
        tabIndex={-1}
        role="status"
        className={status ? 'notice notice--success' : 'visually-hidden'}
        data-testid="devices-status"
      >
        {status ? say(status) : ''}
      </p>
      {pairing && (
        <PairingCode
          pairing={pairing}
          onDone={() => {
            setPairing(null);
          }}
        />
      )}
      {adding ? (
        <AddDevice
          kind={adding}
          onCancel={() => setAdding(null)}
          onAdd={(label) =>
            act(async () => {
              const made = await addDevice(refOf, { kind: adding, label });
              setAdding(null);
              setStatus(null);
              setPairing(made);
            })
          }
        />
      ) : (
        <div className="button-row">
          <button type="button" className="button" onClick={() => setAdding('kiosk')} data-testid="devices-add-kiosk">
            {t('add.kiosk')}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => setAdding('display')}
            data-testid="devices-add-display"
          >
            {t('add.display')}
          </button>
        </div>
      )}
      <h2>{t('list.heading')}</h2>
      {devices.length === 0 ? (
        <p data-testid="devices-none">{t('list.none')}</p>
      ) : (
        <ul className="device-list" data-testid="devices-list">
          {devices.map((device) => (
            <DeviceItem
              key={device.id}
              device={device}
              onRenew={() =>
                act(async () => {
                  setStatus(null);
                  setPairing(await renewPairing(refOf, device.id));
                })
              }
              onRevoke={() =>
                act(async () => {
                  await revokeDevice(refOf, device.id);
                  if (pairing?.device.id === device.id) setPairing(null);
                  setStatus(message((tr) => tr('devices:revoke.done', { label: device.label })));
                  setFocusStatus((n) => n + 1);
                })
              }
            />
          ))}
        </ul>
      )}
    </>
  );
}

function AddDevice({
  kind,
  onAdd,
  onCancel,
}: {
  kind: DeviceKind;
  onAdd: (label: string) => Promise<boolean>;
  onCancel: () => void;
}) {
  const { t } = useTranslation('devices');
  const say = useSay();
  const [label, setLabel] = useState('');
  const [error, setError] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    inputRef.current?.focus();
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!label.trim()) {
      setError(message((tr) => tr('devices:add.labelMissing')));
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    void onAdd(label).then(() => setBusy(false));
  };
  return (
    <form className="panel device-add" onSubmit={submit} noValidate data-testid="devices-add-form">
      <h2>{t(`add.${kind}`)}</h2>
      <div className="field">
        <label htmlFor="device-label">{t('add.label')}</label>
        <p id="device-label-hint" className="field__hint">
          {t(`add.labelHint.${kind}`)}
        </p>
        {error && (
          <p id="device-label-error" className="field__error">
            {say(error)}
          </p>
        )}
        <input
          type="text"
          ref={inputRef}
          id="device-label"
          value={label}
          maxLength={60}
          onChange={(event) => setLabel(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'device-label-hint device-label-error' : 'device-label-hint'}
        />
      </div>
      <div className="button-row">
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {t('add.submit')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('add.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The one time a pairing code is shown: large, spaced for reading out, and as a QR code of the device's page. */
function PairingCode({ pairing, onDone }: { pairing: DevicePairing; onDone: () => void }) {
  const { t, i18n } = useTranslation('devices');
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, [pairing]);
  const url = pairingUrl(pairing.device.kind, pairing.pairingCode);
  const until = new Intl.DateTimeFormat(intlLocale(i18n.resolvedLanguage), { timeStyle: 'short' }).format(
    new Date(pairing.pairingExpiresAt),
  );
  // Read in two halves, like a booking code: "ACDEF-GHJKM".
  const shown = `${pairing.pairingCode.slice(0, 5)}-${pairing.pairingCode.slice(5)}`;
  return (
    <section
      className="panel panel--notice device-code"
      aria-labelledby="device-code-heading"
      data-testid="device-code"
    >
      <h2 id="device-code-heading" ref={headingRef} tabIndex={-1}>
        {t('code.heading', { label: pairing.device.label })}
      </h2>
      <p>{t(`code.intro.${pairing.device.kind}`)}</p>
      <p className="device-code__code" data-testid="device-code-value">
        {shown}
      </p>
      <p>{t('code.until', { time: until })}</p>
      <div className="device-code__qr">
        <QrCode text={url} size={220} />
      </div>
      <p className="device-code__url">
        {t('code.address')} <code>{url.replace(/#.*$/, '')}</code>
      </p>
      <button type="button" className="button" onClick={onDone}>
        {t('code.done')}
      </button>
    </section>
  );
}

function DeviceItem({
  device,
  onRenew,
  onRevoke,
}: {
  device: AdminDevice;
  onRenew: () => Promise<boolean>;
  onRevoke: () => Promise<boolean>;
}) {
  const { t, i18n } = useTranslation('devices');
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const questionRef = useRef<HTMLParagraphElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) questionRef.current?.focus();
  }, [asking]);
  const when = (iso: string) =>
    new Intl.DateTimeFormat(intlLocale(i18n.resolvedLanguage), { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  const run = (work: () => Promise<boolean>) => {
    if (busy) return;
    setBusy(true);
    void work().then(() => setBusy(false));
  };
  return (
    <li className="device-list__item" data-testid={`device-${device.id}`}>
      <h3 className="device-list__title">
        {device.label} <span className="device-tag">{t(`kind.${device.kind}`)}</span>
      </h3>
      <p className="muted" data-testid="device-state">
        {device.pairedAt
          ? t('list.paired', { when: when(device.pairedAt) })
          : device.pairingExpiresAt
            ? t('list.waiting')
            : t('list.notPaired')}
        {' · '}
        {device.lastSeenAt ? t('list.lastSeen', { when: when(device.lastSeenAt) }) : t('list.neverSeen')}
      </p>
      {!asking ? (
        <div className="button-row">
          <button
            type="button"
            className="button button--small button--secondary"
            onClick={() => run(onRenew)}
            aria-disabled={busy || undefined}
          >
            {t('renew')}
            <span className="visually-hidden"> {device.label}</span>
          </button>
          <button
            ref={startRef}
            type="button"
            className="button button--small button--secondary"
            onClick={() => setAsking(true)}
          >
            {t('revoke.start')}
            <span className="visually-hidden"> {device.label}</span>
          </button>
        </div>
      ) : (
        <div className="panel panel--notice" data-testid="device-revoke-confirm">
          <p ref={questionRef} tabIndex={-1}>
            {t('revoke.question', { label: device.label })}
          </p>
          <div className="button-row">
            <button
              type="button"
              className="button button--danger"
              aria-disabled={busy || undefined}
              onClick={() =>
                run(async () => {
                  const done = await onRevoke();
                  if (!done) setAsking(false);
                  return done;
                })
              }
            >
              {t('revoke.confirm')}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setAsking(false);
                requestAnimationFrame(() => startRef.current?.focus());
              }}
            >
              {t('revoke.cancel')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
