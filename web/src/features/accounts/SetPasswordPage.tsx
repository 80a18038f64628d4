import { pagePath, SetPasswordRequestSchema } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { getLiveClient } from '../../lib/live-client';
import { message, problemMessage } from '../../lib/message';
import { usePageFocus } from '../../lib/page-focus';
import { useNavigate } from '../../lib/router';
import type { FieldErrors } from '../../ui/forms';
import { LoadingState } from '../../ui/LoadingState';
import { InputField, SubmitForm, useSubmitForm } from '../../ui/SubmitForm';
import { PageHeading } from '../../ui/PageHeading';
import { checkPasswordLink, setPassword } from './api';
import { usePasswordHint } from './parts';
import { PasswordResetPage } from './PasswordResetPage';

type FieldName = 'password' | 'repeat';
const FIELD_ORDER: FieldName[] = ['password', 'repeat'];

const ERRORS = {
  password: message((t) => t('accounts:password.invalid')),
  repeat: message((t) => t('accounts:password.mismatch')),
};

type LinkProblem = 'link_invalid' | 'link_expired';
const isLinkProblem = (code: string): code is LinkProblem => code === 'link_invalid' || code === 'link_expired';

/** The token from the link's fragment (read without side effects: StrictMode calls this twice). */
function readToken(): string {
  return decodeURIComponent(window.location.hash.replace(/^#/, ''));
}

/**
 * `/staff/password#token`: the invitation's or the reset's page to set a password; without a
 * token (or asked for a new link) the "forgot password" form.
 */
export function SetPasswordPage() {
  const [token, setToken] = useState(readToken);
  const { requestFocus } = usePageFocus();
  // The address bar forgets the token once it is read: not in the history, not on a screenshot.
  useEffect(() => {
    if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname);
  }, []);
  if (!token) return <PasswordResetPage />;
  return (
    <CheckedLink
      key={token}
      token={token}
      onNewLink={() => {
        requestFocus(); // the "forgot password" page's heading replaces this one
        setToken('');
      }}
    />
  );
}

/**
 * The link is checked when the page opens, as invitation and appointment links are, so a dead
 * one is said before anyone types a new password twice. Any other failure of the check shows the
 * form: setting the password checks the link again and says what went wrong.
 */
function CheckedLink({ token, onNewLink }: { token: string; onNewLink: () => void }) {
  const [check, setCheck] = useState<'checking' | 'usable' | LinkProblem>('checking');
  useEffect(() => {
    let cancelled = false;
    checkPasswordLink(token).then(
      () => !cancelled && setCheck('usable'),
      (error: unknown) => {
        if (cancelled) return;
        const { code } = toApiError(error);
        // The token is all the check sends: refused by its shape, it is no link of ours.
        setCheck(isLinkProblem(code) ? code : code === 'validation_failed' ? 'link_invalid' : 'usable');
      },
    );
    return () => {
      cancelled = true;
    };
  }, [token]);
  if (check === 'checking') return <LoadingState />;
  if (check !== 'usable') return <LinkProblemView problem={check} onNewLink={onNewLink} />;
  return <SetPasswordForm token={token} onNewLink={onNewLink} />;
}

/** Why the link does not work, and the ways on. `takeFocus` after a submit, whose form is gone. */
function LinkProblemView({
  problem,
  onNewLink,
  takeFocus = false,
}: {
  problem: LinkProblem;
  onNewLink: () => void;
  takeFocus?: boolean;
}) {
  const { t } = useTranslation('accounts');
  const { t: tErrors } = useTranslation('errors');
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (takeFocus) panel.current?.focus();
  }, [takeFocus]);
  return (
    <>
      <PageHeading title={t('password.title')}>{t('password.heading')}</PageHeading>
      <div ref={panel} tabIndex={-1} className="panel" role="alert" data-testid="link-problem">
        <p>{tErrors(`codes.${problem}`)}</p>
        <p>{t('password.wayOnInvite')}</p>
        <p>
          {t('password.wayOnReset')}{' '}
          <button type="button" className="button" onClick={onNewLink}>
            {t('password.requestNew')}
          </button>
        </p>
      </div>
    </>
  );
}

function SetPasswordForm({ token, onNewLink }: { token: string; onNewLink: () => void }) {
  const { t } = useTranslation('accounts');
  const navigate = useNavigate();
  const form = useSubmitForm(FIELD_ORDER);
  const { fields, show, setSubmitting } = form;
  const [password, setPasswordText] = useState('');
  const [repeat, setRepeat] = useState('');
  // Used up or expired between the check and the submit.
  const [linkProblem, setLinkProblem] = useState<LinkProblem | null>(null);
  const hint = usePasswordHint();

  const submit = async () => {
    const found: FieldErrors<FieldName> = {};
    const parsed = SetPasswordRequestSchema.safeParse({ token, password });
    if (!parsed.success) found.password = ERRORS.password;
    if (repeat !== password) found.repeat = ERRORS.repeat;
    if (found.password || found.repeat || !parsed.success) return show(found);
    setSubmitting(true);
    try {
      await setPassword(parsed.data);
      getLiveClient().reconnectNow();
      void navigate(pagePath('staffHome'));
    } catch (error) {
      const apiError = toApiError(error);
      setSubmitting(false);
      if (isLinkProblem(apiError.code)) {
        setLinkProblem(apiError.code);
        return;
      }
      show(
        apiError.code === 'validation_failed' ? fields.fromServer(apiError, () => ERRORS.password) : {},
        apiError.code === 'validation_failed' ? null : problemMessage(apiError),
      );
    }
  };

  if (linkProblem) return <LinkProblemView problem={linkProblem} onNewLink={onNewLink} takeFocus />;

  return (
    <>
      <PageHeading title={t('password.title')}>{t('password.heading')}</PageHeading>
      <p>{t('password.intro')}</p>
      <SubmitForm
        form={form}
        label={t('password.label')}
        className="login-form"
        summaryTitle={t('password.errorSummary')}
        summaryTitleElement="h2"
        failureTestId="password-failure"
        submitLabel={t('password.submit')}
        busyLabel={t('password.submitting')}
        onSubmit={submit}
      >
        <InputField
          fields={fields}
          field="password"
          label={t('password.new')}
          hint={hint}
          input={{ type: 'password', name: 'new-password', autoComplete: 'new-password' }}
          value={password}
          onChange={setPasswordText}
        />
        <InputField
          fields={fields}
          field="repeat"
          label={t('password.repeat')}
          input={{ type: 'password', name: 'repeat-password', autoComplete: 'new-password' }}
          value={repeat}
          onChange={setRepeat}
        />
      </SubmitForm>
    </>
  );
}
