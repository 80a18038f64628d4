import type { SecondFactorSetup, StaffMe } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage } from '../../lib/message';
import { InputField, SubmitForm, useSubmitForm } from '../../ui/SubmitForm';
import { confirmSetup, startSetup } from './api';
import { CodeForm } from './CodeForm';
import { QrCode } from '../../ui/QrCode';

const FIELDS = ['password'] as const;

/** Groups of four, as authenticator apps ask for the key typed by hand. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Setting up an authenticator app: a new secret (the password is asked for a replacement, and for
 * a first one from a sign-in with the password alone), shown as a QR code, as text and as an
 * otpauth link (for an app on the same device), then its first code.
 */
export function SetupAuthenticator({ me, onDone }: { me: StaffMe; onDone: (me: StaffMe) => void }) {
  const { t } = useTranslation('security');
  const replacing = me.staff.secondFactor.enrolled;
  // As the server asks (second-factor.ts, setupAsksPassword): a sign-in through the identity
  // provider counts as proved and needs no password, which such an account may not have.
  const asksPassword = replacing || !me.staff.secondFactor.proved;
  const [setup, setSetup] = useState<SecondFactorSetup | null>(null);
  const form = useSubmitForm(FIELDS);
  const { show, setSubmitting } = form;
  const [password, setPassword] = useState('');
  const secretRef = useRef<HTMLHeadingElement>(null);

  // The next step replaces the button that had focus: focus goes along to its heading.
  useEffect(() => {
    if (setup) secretRef.current?.focus();
  }, [setup]);

  const start = async () => {
    if (asksPassword && !password) return show({ password: message((tr) => tr('security:setup.passwordRequired')) });
    setSubmitting(true);
    try {
      const created = await startSetup(asksPassword ? { password } : {});
      setSubmitting(false);
      setPassword('');
      form.clear();
      setSetup(created);
    } catch (error) {
      const apiError = toApiError(error);
      setSubmitting(false);
      if (apiError.code === 'invalid_credentials') {
        return show({ password: message((tr) => tr('security:setup.passwordWrong')) });
      }
      show({}, problemMessage(apiError));
    }
  };

  if (setup) {
    return (
      <section className="security-setup" aria-labelledby="security-scan-heading">
        <h2 id="security-scan-heading" ref={secretRef} tabIndex={-1}>
          {t('setup.scanHeading')}
        </h2>
        <ol className="security-steps">
          <li>{t('setup.stepApp')}</li>
          <li>
            <p>{t('setup.stepScan')}</p>
            <QrCode text={setup.otpauthUri} />
            <p>{t('setup.orType')}</p>
            <p className="security-secret" data-testid="totp-secret">
              <code>{grouped(setup.secret)}</code>
            </p>
            <p>
              <a href={setup.otpauthUri}>{t('setup.openInApp')}</a>
            </p>
          </li>
          <li>{t('setup.stepCode')}</li>
        </ol>
        <CodeForm
          label={t('setup.confirmLabel')}
          submitLabel={t('setup.confirm')}
          send={confirmSetup}
          onProved={onDone}
          testId="confirm-form"
        />
      </section>
    );
  }

  return (
    <SubmitForm
      form={form}
      label={t('setup.startLabel')}
      className="security-form"
      summaryTitle={t('setup.errorSummary')}
      summaryTitleElement="p"
      failureTestId="setup-failure"
      submitLabel={replacing ? t('setup.replace') : t('setup.start')}
      onSubmit={start}
    >
      <p>{replacing ? t('setup.replaceIntro') : t('setup.intro')}</p>
      {asksPassword && (
        <InputField
          fields={form.fields}
          field="password"
          label={t('setup.password')}
          input={{ type: 'password', name: 'password', autoComplete: 'current-password' }}
          value={password}
          onChange={setPassword}
        />
      )}
    </SubmitForm>
  );
}
