import { ChangePasswordRequestSchema, pagePath, ProfileSchema, type Profile } from '@amtsraum/shared';
import { Link } from '../../lib/router';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage, type Message } from '../../lib/message';
import { ErrorSummary, Field, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { LoadStateView } from '../../ui/LoadStateView';
import { useSessionEnded } from '../../ui/LostRight';
import { PageHeading } from '../../ui/PageHeading';
import { changePassword, saveProfile, useProfile } from './api';
import { AccountGate, LanguageChecks, usePasswordHint } from './parts';

/** `/staff/profile`: the name citizens see, the languages spoken, one's own password. */
export function StaffProfilePage() {
  const { t } = useTranslation('accounts');
  return (
    <AccountGate>
      {() => (
        <>
          <PageHeading title={t('profile.title')}>{t('profile.heading')}</PageHeading>
          <p>
            <Link to={pagePath('staffHome')}>{t('profile.back')}</Link>
          </p>
          <ProfileSection />
          <PasswordSection />
        </>
      )}
    </AccountGate>
  );
}

function ProfileSection() {
  const state = useProfile();
  return <LoadStateView state={state}>{(profile) => <ProfileForm initial={profile} />}</LoadStateView>;
}

function ProfileForm({ initial }: { initial: Profile }) {
  const { t } = useTranslation('accounts');
  const fields = useFieldErrors(['name'] as const);
  const { setErrors } = fields;
  const [values, setValues] = useState(initial);
  const [failure, setFailure] = useState<Message | null>(null);
  const [saved, setSaved] = useState(false);
  const sessionEnded = useSessionEnded();
  const summaryRef = useRef<HTMLDivElement>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const parsed = ProfileSchema.safeParse(values);
    if (!parsed.success) {
      setErrors({ name: message((tr) => tr('accounts:staff.form.nameInvalid')) });
      window.setTimeout(() => summaryRef.current?.focus(), 0);
      return;
    }
    try {
      setValues(await saveProfile(parsed.data));
      setErrors({});
      setFailure(null);
      setSaved(true);
    } catch (error) {
      const problem = toApiError(error);
      // Signed out elsewhere or deactivated meanwhile: the sign-in page says so.
      if (sessionEnded(problem)) return;
      setFailure(problemMessage(problem));
      window.setTimeout(() => summaryRef.current?.focus(), 0);
    }
  };

  return (
    <section aria-labelledby="profile-heading">
      <h2 id="profile-heading">{t('profile.detailsHeading')}</h2>
      <form className="panel" aria-labelledby="profile-heading" noValidate onSubmit={(e) => void submit(e)}>
        <ErrorSummary
          ref={summaryRef}
          fields={fields}
          failure={failure}
          failureTestId="profile-failure"
          title={t('profile.errorSummary')}
          titleElement="p"
        />
        <Field fields={fields} field="name" label={t('profile.name')} hint={t('profile.nameHint')}>
          {(control) => (
            <input
              {...control}
              type="text"
              autoComplete="name"
              value={values.name}
              onChange={(event) => {
                setValues({ ...values, name: event.target.value });
              }}
            />
          )}
        </Field>
        <LanguageChecks
          legend={t('profile.languages')}
          value={values.languages}
          onChange={(languages) => {
            setValues({ ...values, languages });
          }}
        />
        <button type="submit" className="button button--primary">
          {t('profile.save')}
        </button>
        <p role="status">{saved ? t('profile.saved') : ''}</p>
      </form>
    </section>
  );
}

type PasswordField = 'currentPassword' | 'password' | 'repeat';
const PASSWORD_FIELDS: PasswordField[] = ['currentPassword', 'password', 'repeat'];

function PasswordSection() {
  const { t } = useTranslation('accounts');
  const fields = useFieldErrors(PASSWORD_FIELDS);
  const { setErrors } = fields;
  const hint = usePasswordHint();
  const [values, setValues] = useState({ currentPassword: '', password: '', repeat: '' });
  const [failure, setFailure] = useState<Message | null>(null);
  const [done, setDone] = useState(false);
  const sessionEnded = useSessionEnded();
  const summaryRef = useRef<HTMLDivElement>(null);
  const show = (found: FieldErrors<PasswordField>, formFailure: Message | null) => {
    setErrors(found);
    setFailure(formFailure);
    window.setTimeout(() => summaryRef.current?.focus(), 0);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(false);
    const found: FieldErrors<PasswordField> = {};
    const parsed = ChangePasswordRequestSchema.safeParse(values);
    if (!values.currentPassword) found.currentPassword = message((tr) => tr('accounts:profile.currentRequired'));
    if (!parsed.success && values.currentPassword) found.password = message((tr) => tr('accounts:password.invalid'));
    if (values.repeat !== values.password) found.repeat = message((tr) => tr('accounts:password.mismatch'));
    if (Object.keys(found).length || !parsed.success) return show(found, null);
    try {
      await changePassword(parsed.data);
      setValues({ currentPassword: '', password: '', repeat: '' });
      setErrors({});
      setFailure(null);
      setDone(true);
    } catch (error) {
      const apiError = toApiError(error);
      if (sessionEnded(apiError)) return;
      if (apiError.code === 'validation_failed') {
        show(
          fields.fromServer(apiError, (field) =>
            field === 'currentPassword'
              ? message((tr) => tr('accounts:profile.currentWrong'))
              : message((tr) => tr('accounts:password.invalid')),
          ),
          null,
        );
      } else show({}, problemMessage(apiError));
    }
  };

  const input = (field: PasswordField, autoComplete: string) => (control: object) => (
    <input
      {...control}
      type="password"
      autoComplete={autoComplete}
      value={values[field]}
      onChange={(event) => {
        setValues({ ...values, [field]: event.target.value });
      }}
    />
  );

  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">{t('profile.passwordHeading')}</h2>
      <form className="panel" aria-labelledby="password-heading" noValidate onSubmit={(e) => void submit(e)}>
        <ErrorSummary
          ref={summaryRef}
          fields={fields}
          failure={failure}
          failureTestId="profile-failure"
          title={t('profile.errorSummary')}
          titleElement="p"
        />
        <Field fields={fields} field="currentPassword" label={t('profile.currentPassword')}>
          {input('currentPassword', 'current-password')}
        </Field>
        <Field fields={fields} field="password" label={t('password.new')} hint={hint}>
          {input('password', 'new-password')}
        </Field>
        <Field fields={fields} field="repeat" label={t('password.repeat')}>
          {input('repeat', 'new-password')}
        </Field>
        <button type="submit" className="button button--primary">
          {t('profile.changePassword')}
        </button>
        <p role="status">{done ? t('profile.passwordChanged') : ''}</p>
      </form>
    </section>
  );
}
