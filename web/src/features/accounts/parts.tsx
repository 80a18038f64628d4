import { pagePath, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type StaffMe } from '@amtsraum/shared';
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../lib/api';
import { Link } from '../../lib/router';
import type { LoadState } from '../../lib/useLoad';
import { ErrorPage } from '../../ui/ErrorPage';
import { useLanguageName } from '../../ui/LanguageOptions';
import { CONVERSATION_LANGUAGES } from '../../ui/languages';
import { LoadingState } from '../../ui/LoadingState';
import { useMe } from './api';
import { ToSignIn } from '../../ui/LostRight';

/** Where an admin page sends someone whose session still needs the second factor (the security area's page). */
const SECURITY_PATH = '/staff/security';

/** The signed-in staff member, or the way to the sign-in page. */
export function AccountGate({ children }: { children: (me: StaffMe) => ReactNode }) {
  const state = useMe();
  if (state.status === 'loading') return <LoadingState />;
  if (state.status === 'error') {
    if (state.error.code === 'unauthorized') return <ToSignIn />;
    return <ErrorPage error={state.error} retry={state.reload} />;
  }
  return <>{children(state.data)}</>;
}

/** An admin page's load: the second-factor step and missing rights get words of their own. */
export function AdminLoad<T>({ state, children }: { state: LoadState<T>; children: (data: T) => ReactNode }) {
  // A reload after a change keeps the page (and its notices and focus) in place.
  if (state.status === 'loading') return state.previous ? <>{children(state.previous)}</> : <LoadingState />;
  if (state.status === 'success') return <>{children(state.data)}</>;
  return <AdminProblem error={state.error} retry={state.reload} />;
}

export function AdminProblem({ error, retry }: { error: ApiError; retry: () => void }) {
  const { t } = useTranslation('accounts');
  const { t: tErrors } = useTranslation('errors');
  if (error.code === 'unauthorized') return <ToSignIn />;
  if (error.code === 'second_factor_required') {
    return (
      <div className="panel" role="alert" data-testid="second-factor-required">
        <p>{tErrors('codes.second_factor_required')}</p>
        <p>
          <a href={SECURITY_PATH}>{t('admin.toSecurity')}</a>
        </p>
      </div>
    );
  }
  if (error.code === 'forbidden') {
    return (
      <div className="panel" role="alert" data-testid="admin-forbidden">
        <p>{t('admin.forbidden')}</p>
        <p>
          <Link to={pagePath('staffHome')}>{tErrors('lostRight.link')}</Link>
        </p>
      </div>
    );
  }
  return <ErrorPage error={error} retry={retry} />;
}

/** The password rules, shown beside every new-password field. */
export function usePasswordHint(): string {
  const { t } = useTranslation('accounts');
  return t('password.rules', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH });
}

/** Languages spoken, as checkboxes in a fieldset (keyboard: tab and space). */
export function LanguageChecks({
  legend,
  value,
  onChange,
}: {
  legend: string;
  value: string[];
  onChange: (languages: string[]) => void;
}) {
  const id = useId();
  const name = useLanguageName();
  const extra = value.filter((tag) => !(CONVERSATION_LANGUAGES as readonly string[]).includes(tag));
  return (
    <fieldset className="field">
      <legend>{legend}</legend>
      <div className="choices choices--inline">
        {[...CONVERSATION_LANGUAGES, ...extra].map((tag) => (
          <label key={tag} className="choice" htmlFor={`${id}-${tag}`}>
            <input
              id={`${id}-${tag}`}
              type="checkbox"
              checked={value.includes(tag)}
              onChange={(event) => {
                onChange(event.target.checked ? [...value, tag] : value.filter((other) => other !== tag));
              }}
            />{' '}
            <span lang={tag}>{name(tag)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
