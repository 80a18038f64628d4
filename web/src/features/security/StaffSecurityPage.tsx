import { pagePath, type StaffMe } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from '../../lib/router';
import { ErrorPage } from '../../ui/ErrorPage';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { proveSecondFactor, useStaffMe } from './api';
import { CodeForm } from './CodeForm';
import { SetupAuthenticator } from './SetupAuthenticator';
import { ToSignIn } from '../../ui/LostRight';

/** Only our own admin and staff pages are places to go back to (no open redirect). */
function backTarget(raw: string | null): string | null {
  return raw && /^\/(admin|staff)(\/[A-Za-z0-9._~%-]*)*$/.test(raw) ? raw : null;
}

/** `/staff/security`: the second factor: set up an authenticator app, prove this session, replace the app. */
export function StaffSecurityPage() {
  const { t } = useTranslation('security');
  const [version, setVersion] = useState(0);
  const state = useStaffMe(version);
  const [searchParams] = useSearchParams();
  const back = backTarget(searchParams.get('back'));
  const [done, setDone] = useState<'confirmed' | 'proved' | null>(null);
  // The code form goes away with a right code, taking the focus with it: the outcome takes it.
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  if (state.status === 'loading' && !state.previous) return <LoadingState />;
  if (state.status === 'error') {
    if (state.error.code === 'unauthorized') return <ToSignIn />;
    return <ErrorPage error={state.error} retry={state.reload} />;
  }
  const me: StaffMe = state.status === 'success' ? state.data : state.previous!;
  const { enrolled, proved } = me.staff.secondFactor;
  const finished = (what: 'confirmed' | 'proved') => () => {
    setDone(what);
    setVersion((n) => n + 1);
  };

  return (
    <>
      <PageHeading title={t('page.title')}>{t('page.heading')}</PageHeading>
      <p>{t('page.intro')}</p>
      <p className="security-status" data-testid="second-factor-status">
        {enrolled ? (proved ? t('page.statusProved') : t('page.statusEnrolled')) : t('page.statusNone')}
      </p>
      {done && (
        <div ref={doneRef} tabIndex={-1} className="notice" role="status" data-testid="second-factor-done">
          <p>{done === 'confirmed' ? t('page.confirmed') : t('page.proved')}</p>
          {back && (
            <p>
              <Link to={back}>{t('page.back')}</Link>
            </p>
          )}
        </div>
      )}
      {enrolled && !proved && (
        <section aria-labelledby="security-step-up-heading">
          <h2 id="security-step-up-heading">{t('page.stepUpHeading')}</h2>
          <CodeForm
            label={t('gate.formLabel')}
            submitLabel={t('gate.submit')}
            send={proveSecondFactor}
            onProved={finished('proved')}
            testId="step-up-form"
          />
          <p className="muted">{t('gate.lostPhone')}</p>
        </section>
      )}
      {(!enrolled || proved) && done !== 'confirmed' && (
        <section aria-labelledby="security-setup-heading">
          <h2 id="security-setup-heading">{enrolled ? t('page.replaceHeading') : t('page.setupHeading')}</h2>
          <SetupAuthenticator key={version} me={me} onDone={finished('confirmed')} />
        </section>
      )}
      <p>
        <Link to={pagePath('staffHome')}>{t('page.staffHome')}</Link>
      </p>
    </>
  );
}
