import { pagePath, STATE_CODES, TenantCreateRequestSchema, type InstallationTenant } from '@amtsraum/shared';
import { Link } from '../../lib/router';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { ErrorSummary, Field, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { useRefusal } from '../../ui/LostRight';
import { PageHeading } from '../../ui/PageHeading';
import { createMunicipality, setMunicipalityArchived, useMunicipalities } from './api';
import { AdminLoad } from './parts';

type FieldName = 'slug' | 'name' | 'timeZone' | 'adminName' | 'adminEmail';
const FIELD_ORDER: FieldName[] = ['slug', 'name', 'timeZone', 'adminName', 'adminEmail'];
const ERRORS: Record<FieldName, Message> = {
  slug: message((t) => t('accounts:installation.form.slugInvalid')),
  name: message((t) => t('accounts:installation.form.nameInvalid')),
  timeZone: message((t) => t('accounts:installation.form.timeZoneInvalid')),
  adminName: message((t) => t('accounts:staff.form.nameInvalid')),
  adminEmail: message((t) => t('accounts:staff.form.emailInvalid')),
};
const TAKEN = {
  slugTaken: message((t) => t('accounts:installation.form.slugTaken')),
  emailTaken: message((t) => t('accounts:staff.form.emailTaken')),
};

const fieldOfPath = (path: string): FieldName | undefined =>
  path.startsWith('admin.name')
    ? 'adminName'
    : path.startsWith('admin.email')
      ? 'adminEmail'
      : FIELD_ORDER.find((field) => path === field);

/** `/admin/installation`: the municipalities of this installation (installation admins). */
export function AdminInstallationPage() {
  const { t } = useTranslation('accounts');
  const state = useMunicipalities();
  return (
    <>
      <PageHeading title={t('installation.title')}>{t('installation.heading')}</PageHeading>
      <p>
        <Link to={pagePath('adminHome')}>{t('installation.back')}</Link>
      </p>
      <AdminLoad state={state}>
        {(data) => (
          <>
            <h2>{t('installation.listHeading')}</h2>
            <ul className="card-list">
              {data.tenants.map((tenant) => (
                <TenantCard key={tenant.id} tenant={tenant} onChanged={state.reload} />
              ))}
            </ul>
            <h2>{t('installation.createHeading')}</h2>
            <CreateForm onCreated={state.reload} />
          </>
        )}
      </AdminLoad>
    </>
  );
}

function TenantCard({ tenant, onChanged }: { tenant: InstallationTenant; onChanged: () => void }) {
  const { t } = useTranslation('accounts');
  const say = useSay();
  const [failure, setFailure] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const refusal = useRefusal();
  const toggle = async () => {
    if (busy) return;
    if (!tenant.archived && !window.confirm(t('installation.archiveConfirm', { name: tenant.name }))) return;
    setBusy(true);
    refusal.clear();
    try {
      await setMunicipalityArchived(tenant.id, !tenant.archived);
      setFailure(null);
      onChanged();
    } catch (error) {
      const problem = toApiError(error);
      setFailure(refusal.refused(problem) ? null : problemMessage(problem));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="card" data-testid={`municipality-${tenant.slug}`}>
      <h3 className="card__title">{tenant.name}</h3>
      <p>
        /{tenant.slug} · {tenant.timeZone} ·{' '}
        {t(`installation.states.${tenant.stateCode}`, { defaultValue: tenant.stateCode })} ·{' '}
        {t('installation.staffCount', { count: tenant.staffCount })}
        {tenant.archived && ` · ${t('installation.archived')}`}
      </p>
      {refusal.notice}
      {failure && (
        <p className="field__error" role="alert">
          {say(failure)}
        </p>
      )}
      <button
        type="button"
        className={tenant.archived ? 'button' : 'button button--danger'}
        aria-label={t(tenant.archived ? 'installation.unarchiveLabel' : 'installation.archiveLabel', {
          name: tenant.name,
        })}
        aria-disabled={busy || undefined}
        onClick={() => void toggle()}
      >
        {t(tenant.archived ? 'installation.unarchive' : 'installation.archive')}
      </button>
    </li>
  );
}

function CreateForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation('accounts');
  const fields = useFieldErrors(FIELD_ORDER);
  const { setErrors } = fields;
  const empty = {
    slug: '',
    name: '',
    timeZone: 'Europe/Berlin',
    stateCode: 'NW',
    defaultLocale: 'de',
    adminName: '',
    adminEmail: '',
  };
  const [values, setValues] = useState(empty);
  const [failure, setFailure] = useState<Message | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const refusal = useRefusal();
  const summaryRef = useRef<HTMLDivElement>(null);
  const show = (found: FieldErrors<FieldName>, formFailure: Message | null) => {
    refusal.clear();
    setErrors(found);
    setFailure(formFailure);
    window.setTimeout(() => summaryRef.current?.focus(), 0);
  };
  const change = (patch: Partial<typeof empty>) => {
    setValues({ ...values, ...patch });
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setCreated(null);
    const parsed = TenantCreateRequestSchema.safeParse({
      slug: values.slug.trim(),
      name: values.name,
      timeZone: values.timeZone.trim(),
      stateCode: values.stateCode,
      defaultLocale: values.defaultLocale,
      admin: { name: values.adminName, email: values.adminEmail },
    });
    if (!parsed.success) {
      const found: FieldErrors<FieldName> = {};
      for (const issue of parsed.error.issues) {
        const field = fieldOfPath(issue.path.map(String).join('.'));
        if (field) found[field] = ERRORS[field];
      }
      return show(found, null);
    }
    try {
      await createMunicipality(parsed.data);
      setValues(empty);
      setErrors({});
      setFailure(null);
      refusal.clear();
      setCreated(t('installation.created', { name: parsed.data.name, email: parsed.data.admin.email }));
      onCreated();
    } catch (error) {
      const apiError = toApiError(error);
      if (refusal.refused(apiError)) {
        setErrors({});
        setFailure(null);
        return;
      }
      // A taken address (conflict, with the slug) or e-mail address (email_taken): said at its field.
      if ((apiError.code === 'conflict' || apiError.code === 'email_taken') && apiError.extras.fieldErrors) {
        const found: FieldErrors<FieldName> = {};
        for (const { path } of apiError.extras.fieldErrors) {
          const field = fieldOfPath(path);
          if (field) found[field] = field === 'slug' ? TAKEN.slugTaken : TAKEN.emailTaken;
        }
        show(found, null);
      } else if (apiError.code === 'validation_failed' && apiError.extras.fieldErrors) {
        // What only the server checks (a name the application reserves, e.g. "admin"): at its field.
        const found: FieldErrors<FieldName> = {};
        for (const { path } of apiError.extras.fieldErrors) {
          const field = fieldOfPath(path);
          if (field) found[field] = ERRORS[field];
        }
        show(found, Object.keys(found).length > 0 ? null : problemMessage(apiError));
      } else show({}, problemMessage(apiError));
    }
  };

  const text =
    (key: keyof typeof empty, extra: object = {}) =>
    (control: object) => (
      <input
        type="text"
        {...control}
        {...extra}
        value={values[key]}
        onChange={(event) => {
          change({ [key]: event.target.value });
        }}
      />
    );

  return (
    <form className="panel" aria-label={t('installation.createHeading')} noValidate onSubmit={(e) => void submit(e)}>
      {refusal.notice}
      <ErrorSummary
        ref={summaryRef}
        fields={fields}
        failure={failure}
        failureTestId="installation-failure"
        title={t('installation.form.errorSummary')}
        titleElement="p"
      />
      <Field fields={fields} field="slug" label={t('installation.form.slug')} hint={t('installation.form.slugHint')}>
        {text('slug', { type: 'text', autoComplete: 'off', spellCheck: false })}
      </Field>
      <Field fields={fields} field="name" label={t('installation.form.name')}>
        {text('name', { type: 'text', autoComplete: 'off' })}
      </Field>
      <Field fields={fields} field="timeZone" label={t('installation.form.timeZone')}>
        {text('timeZone', { type: 'text', autoComplete: 'off', spellCheck: false })}
      </Field>
      <div className="field">
        <label htmlFor="installation-state">{t('installation.form.state')}</label>
        <select
          id="installation-state"
          value={values.stateCode}
          onChange={(event) => {
            change({ stateCode: event.target.value });
          }}
        >
          {STATE_CODES.map((code) => (
            <option key={code} value={code}>
              {t(`installation.states.${code}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="installation-locale">{t('installation.form.locale')}</label>
        <select
          id="installation-locale"
          value={values.defaultLocale}
          onChange={(event) => {
            change({ defaultLocale: event.target.value });
          }}
        >
          <option value="de" lang="de">
            Deutsch
          </option>
          <option value="en" lang="en">
            English
          </option>
        </select>
      </div>
      <Field fields={fields} field="adminName" label={t('installation.form.adminName')}>
        {text('adminName', { type: 'text', autoComplete: 'off' })}
      </Field>
      <Field
        fields={fields}
        field="adminEmail"
        label={t('installation.form.adminEmail')}
        hint={t('installation.form.adminEmailHint')}
      >
        {text('adminEmail', { type: 'email', inputMode: 'email', autoComplete: 'off', spellCheck: false })}
      </Field>
      <button type="submit" className="button button--primary">
        {t('installation.form.submit')}
      </button>
      <p role="status">{created ?? ''}</p>
    </form>
  );
}
