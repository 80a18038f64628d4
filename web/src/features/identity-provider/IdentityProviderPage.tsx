import { pagePath, type AdminDepartment, type IdentityProvider, type IdentityProviderSettings } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError, type ApiError } from '../../lib/api';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { Link, useParams } from '../../lib/router';
import type { LoadState } from '../../lib/useLoad';
import { useLocalize } from '../../lib/useLocalize';
import { ErrorPage } from '../../ui/ErrorPage';
import { ErrorSummary, Field, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { LoadingState } from '../../ui/LoadingState';
import { ToSignIn, useRefusal } from '../../ui/LostRight';
import { PageHeading } from '../../ui/PageHeading';
import { removeProvider, saveProvider, useDepartments, useProviderSettings } from './api';
import {
  fieldOrder,
  formOf,
  inputOf,
  newRow,
  problemPaths,
  type Grant,
  type MappingRow,
  type ProviderField,
  type ProviderForm,
} from './provider-form';
import { NotFoundOr } from '../directory';
import './identity-provider.css';

/**
 * `/admin/:tenant/sign-in` (issue 15): the municipality's sign-in through the town hall's OpenID
 * provider: where the provider sends people back, the client, the button's name, which groups
 * give which role, whether a first sign-in creates the account, on or off, and removing it.
 */
export function IdentityProviderPage() {
  const { tenant = '' } = useParams();
  const settings = useProviderSettings(tenant);
  const departments = useDepartments(tenant);
  const failed = settings.status === 'error' ? settings : departments.status === 'error' ? departments : null;
  if (failed) return <LoadProblem error={failed.error} retry={failed.reload} />;
  if (settings.status !== 'success' || departments.status !== 'success') return <LoadingState />;
  return (
    <ProviderPage
      tenant={tenant}
      settings={settings.data}
      departments={departments.data.departments.filter((department) => department.archivedAt === null)}
    />
  );
}

function LoadProblem({ error, retry }: { error: ApiError; retry: LoadState<unknown>['reload'] }) {
  const { t } = useTranslation('identity-provider');
  if (error.code === 'unauthorized') return <ToSignIn />;
  if (error.code !== 'forbidden' && error.code !== 'second_factor_required') {
    return <ErrorPage error={error} retry={retry} />;
  }
  return (
    <NotFoundOr refused={error.code === 'forbidden'}>
      <div data-testid={`identity-provider-${error.code}`}>
        <PageHeading title={t('title')} />
        <p className="lead">{t(error.code === 'forbidden' ? 'refused.forbidden' : 'refused.secondFactor')}</p>
        <p>
          <Link to={error.code === 'forbidden' ? pagePath('staffHome') : pagePath('staffSecurity')}>
            {t(error.code === 'forbidden' ? 'refused.back' : 'refused.security')}
          </Link>
        </p>
      </div>
    </NotFoundOr>
  );
}

function ProviderPage({
  tenant,
  settings,
  departments,
}: {
  tenant: string;
  settings: IdentityProviderSettings;
  departments: AdminDepartment[];
}) {
  const { t } = useTranslation('identity-provider');
  const say = useSay();
  const [provider, setProvider] = useState<IdentityProvider | null>(settings.provider);
  const [form, setForm] = useState<ProviderForm>(() => formOf(settings.provider));
  const [status, setStatus] = useState<Message | null>(null);
  const statusRef = useRef<HTMLParagraphElement>(null);
  const [focusStatus, setFocusStatus] = useState(0);
  useEffect(() => {
    if (focusStatus > 0) statusRef.current?.focus();
  }, [focusStatus]);

  const done = (next: IdentityProvider | null, why: Message) => {
    setProvider(next);
    setForm(formOf(next));
    setStatus(why);
  };

  return (
    <>
      <PageHeading title={t('title')} />
      <p>
        <Link to={pagePath('adminTenant', { tenant })}>{t('back')}</Link>
      </p>
      <p className="lead">{t('intro')}</p>
      <p data-testid="identity-provider-state" className="idp-status">
        {provider === null ? t('state.none') : provider.enabled ? t('state.enabled') : t('state.disabled')}
      </p>
      <RedirectUri uri={settings.redirectUri} />
      <SettingsForm
        tenant={tenant}
        provider={provider}
        form={form}
        setForm={setForm}
        departments={departments}
        onSaved={(saved) => {
          done(
            saved,
            message((tr) => tr('identity-provider:saved')),
          );
        }}
        onFailed={() => {
          setStatus(null);
        }}
      />
      <p
        ref={statusRef}
        tabIndex={-1}
        role="status"
        className={status ? 'notice notice--success' : 'visually-hidden'}
        data-testid="identity-provider-status"
      >
        {status ? say(status) : ''}
      </p>
      {provider !== null && (
        <RemoveProvider
          tenant={tenant}
          onRemoved={() => {
            done(
              null,
              message((tr) => tr('identity-provider:remove.done')),
            );
            setFocusStatus((n) => n + 1);
          }}
        />
      )}
    </>
  );
}

/** The address to register with the provider, to select or copy. */
function RedirectUri({ uri }: { uri: string }) {
  const { t } = useTranslation('identity-provider');
  const id = useId();
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <section className="idp-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('redirect.heading')}</h2>
      <div className="field">
        <label htmlFor={`${id}-uri`}>{t('redirect.label')}</label>
        <p id={`${id}-hint`} className="field__hint">
          {t('redirect.hint')}
        </p>
        <input
          id={`${id}-uri`}
          type="text"
          readOnly
          value={uri}
          aria-describedby={`${id}-hint`}
          className="idp-uri"
          data-testid="identity-provider-redirect-uri"
          onFocus={(event) => {
            event.target.select();
          }}
        />
      </div>
      <div className="button-row">
        <button
          type="button"
          className="button"
          onClick={() => {
            // No clipboard (an old browser, a page not served over https): the field stays selectable.
            const clipboard = navigator.clipboard as Clipboard | undefined;
            if (!clipboard) {
              setCopied(false);
              return;
            }
            clipboard.writeText(uri).then(
              () => {
                setCopied(true);
              },
              () => {
                setCopied(false);
              },
            );
          }}
        >
          {t('redirect.copy')}
        </button>
      </div>
      <p role="status" className="muted">
        {copied === null ? '' : copied ? t('redirect.copied') : t('redirect.notCopied')}
      </p>
    </section>
  );
}

const GRANTS: Grant[] = ['tenantAdmin', 'clerk', 'admin'];

function SettingsForm({
  tenant,
  provider,
  form,
  setForm,
  departments,
  onSaved,
  onFailed,
}: {
  tenant: string;
  provider: IdentityProvider | null;
  form: ProviderForm;
  setForm: (change: (previous: ProviderForm) => ProviderForm) => void;
  departments: AdminDepartment[];
  onSaved: (saved: IdentityProvider) => void;
  onFailed: () => void;
}) {
  const { t } = useTranslation('identity-provider');
  const id = useId();
  const order = fieldOrder(form);
  const fields = useFieldErrors<ProviderField>(order);
  const [failure, setFailure] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const refusal = useRefusal();
  const summaryRef = useRef<HTMLDivElement>(null);
  const [failedAt, setFailedAt] = useState(0);
  useEffect(() => {
    if (failedAt > 0) summaryRef.current?.focus();
  }, [failedAt]);

  const set = <K extends keyof ProviderForm>(key: K, value: ProviderForm[K]) => {
    setForm((previous) => ({ ...previous, [key]: value }));
  };
  const setRow = (key: number, change: Partial<MappingRow>) => {
    setForm((previous) => ({
      ...previous,
      mapping: previous.mapping.map((row) => (row.key === key ? { ...row, ...change } : row)),
    }));
  };

  /**
   * Each field's own words, whatever the schema or the server said (their language may differ).
   * An issuer the server refuses after the form's own check passed is one the installation does
   * not allow (http, an internal address, or not on its list: decision 026).
   */
  const errorsAt = (paths: string[], fromServer = false): FieldErrors<ProviderField> => {
    const found: FieldErrors<ProviderField> = {};
    for (const path of paths) {
      const field = fields.fieldAt(path);
      if (!field || found[field]) continue;
      const group = field.split('.')[0] ?? field;
      const detail =
        fromServer && field === 'issuer'
          ? 'issuerPolicy'
          : path.endsWith('.department')
            ? 'roleMappingDepartment'
            : path.endsWith('.value')
              ? 'roleMappingValue'
              : group;
      found[field] = message((tr) =>
        (tr as unknown as (keys: string[], options?: object) => string)(
          [`identity-provider:errors.${detail}`, `identity-provider:errors.${group}`, 'identity-provider:errors.field'],
          { number: Number(field.split('.')[1] ?? 0) + 1 },
        ),
      );
    }
    return found;
  };

  const fail = (found: FieldErrors<ProviderField>, whole: Message | null) => {
    refusal.clear();
    fields.setErrors(found);
    setFailure(whole);
    setFailedAt((n) => n + 1);
    onFailed();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const input = inputOf(form, provider?.hasClientSecret ?? false);
    const problems = problemPaths(input);
    if (problems.length > 0) {
      fail(errorsAt(problems), null);
      return;
    }
    setBusy(true);
    try {
      const saved = await saveProvider(tenant, input);
      fields.setErrors({});
      setFailure(null);
      refusal.clear();
      onSaved(saved);
    } catch (error) {
      const apiError = toApiError(error);
      if (refusal.refused(apiError)) {
        fields.setErrors({});
        setFailure(null);
        return;
      }
      const found = errorsAt(
        (apiError.extras.fieldErrors ?? []).map((field) => field.path),
        true,
      );
      fail(found, Object.keys(found).length > 0 ? null : problemMessage(apiError));
    } finally {
      setBusy(false);
    }
  };

  const secretStored = provider?.hasClientSecret ?? false;
  return (
    <section className="idp-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('form.heading')}</h2>
      <form className="panel" noValidate onSubmit={(event) => void submit(event)} data-testid="identity-provider-form">
        {refusal.notice}
        <ErrorSummary
          ref={summaryRef}
          fields={fields}
          failure={failure}
          failureTestId="identity-provider-failure"
          title={t('form.errorSummary')}
          titleElement="h3"
        />
        <TextField
          fields={fields}
          field="issuer"
          label={t('form.issuer')}
          hint={t('form.issuerHint')}
          inputMode="url"
          value={form.issuer}
          onChange={(value) => {
            set('issuer', value);
          }}
        />
        <TextField
          fields={fields}
          field="clientId"
          label={t('form.clientId')}
          value={form.clientId}
          onChange={(value) => {
            set('clientId', value);
          }}
        />
        <ClientSecret
          fields={fields}
          stored={secretStored}
          form={form}
          onAction={(action) => {
            set('secretAction', action);
          }}
          onSecret={(secret) => {
            set('clientSecret', secret);
          }}
        />
        <fieldset className="idp-fieldset">
          <legend>{t('form.label')}</legend>
          <p className="field__hint">{t('form.labelHint')}</p>
          {fields.fieldError('label')}
          <div className="field">
            <label htmlFor={fields.fieldId('label')}>{t('form.labelDe')}</label>
            <input
              id={fields.fieldId('label')}
              type="text"
              aria-invalid={fields.invalid('label')}
              aria-describedby={fields.describedBy('label')}
              value={form.labelDe}
              onChange={(event) => {
                set('labelDe', event.target.value);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-label-en`}>{t('form.labelEn')}</label>
            <input
              id={`${id}-label-en`}
              type="text"
              lang="en"
              value={form.labelEn}
              onChange={(event) => {
                set('labelEn', event.target.value);
              }}
            />
          </div>
        </fieldset>
        <TextField
          fields={fields}
          field="scopes"
          label={t('form.scopes')}
          hint={t('form.scopesHint')}
          value={form.scopes}
          onChange={(value) => {
            set('scopes', value);
          }}
        />
        <TextField
          fields={fields}
          field="roleClaim"
          label={t('form.roleClaim')}
          hint={t('form.roleClaimHint')}
          value={form.roleClaim}
          onChange={(value) => {
            set('roleClaim', value);
          }}
        />
        <fieldset className="idp-fieldset" id={fields.fieldId('roleMapping')} data-testid="identity-provider-mapping">
          <legend>{t('mapping.legend')}</legend>
          <p className="field__hint">{t('mapping.hint', { claim: form.roleClaim.trim() || 'groups' })}</p>
          {fields.fieldError('roleMapping')}
          {form.mapping.length === 0 && <p>{t('mapping.none')}</p>}
          <ol className="idp-rules">
            {form.mapping.map((row, index) => (
              <MappingRule
                key={row.key}
                fields={fields}
                row={row}
                index={index}
                departments={departments}
                onChange={(change) => {
                  setRow(row.key, change);
                }}
                onRemove={() => {
                  setForm((previous) => ({
                    ...previous,
                    mapping: previous.mapping.filter((other) => other.key !== row.key),
                  }));
                  fields.setErrors({});
                }}
              />
            ))}
          </ol>
          <button
            type="button"
            className="button"
            onClick={() => {
              setForm((previous) => ({ ...previous, mapping: [...previous.mapping, newRow()] }));
            }}
          >
            {t('mapping.add')}
          </button>
        </fieldset>
        <Checkbox
          label={t('form.provision')}
          hint={t('form.provisionHint')}
          checked={form.provisionAccounts}
          onChange={(checked) => {
            set('provisionAccounts', checked);
          }}
        />
        <Checkbox
          label={t('form.enabled')}
          hint={t('form.enabledHint')}
          checked={form.enabled}
          onChange={(checked) => {
            set('enabled', checked);
          }}
        />
        <div className="button-row">
          <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
            {t('form.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

type ProviderFields = ReturnType<typeof useFieldErrors<ProviderField>>;

/** A one-line text setting of the provider, its error beside it. */
function TextField({
  fields,
  field,
  label,
  hint,
  inputMode,
  value,
  onChange,
}: {
  fields: ProviderFields;
  field: 'issuer' | 'clientId' | 'scopes' | 'roleClaim';
  label: string;
  hint?: string;
  inputMode?: 'url';
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field fields={fields} field={field} label={label} hint={hint}>
      {(control) => (
        <input
          {...control}
          type="text"
          inputMode={inputMode}
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(event) => {
            onChange(event.target.value);
          }}
        />
      )}
    </Field>
  );
}

/** A yes/no setting with the hint that says what it does. */
function Checkbox({
  label,
  hint,
  checked,
  onChange,
}: {
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label className="choice">
        <input
          type="checkbox"
          checked={checked}
          aria-describedby={`${id}-hint`}
          onChange={(event) => {
            onChange(event.target.checked);
          }}
        />
        {label}
      </label>
      <p id={`${id}-hint`} className="field__hint">
        {hint}
      </p>
    </div>
  );
}

/** One rule of the mapping: a claim value, the role it grants and, for a department role, which department. */
function MappingRule({
  fields,
  row,
  index,
  departments,
  onChange,
  onRemove,
}: {
  fields: ProviderFields;
  row: MappingRow;
  index: number;
  departments: AdminDepartment[];
  onChange: (change: Partial<MappingRow>) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation('identity-provider');
  const localize = useLocalize();
  const id = useId();
  const field: ProviderField = `roleMapping.${index}`;
  const number = index + 1;
  return (
    <li className="idp-rule" data-testid={`identity-provider-rule-${String(number)}`}>
      {fields.fieldError(field)}
      <div className="idp-rule__fields">
        <div className="field">
          <label htmlFor={fields.fieldId(field)}>{t('mapping.value', { number })}</label>
          <input
            id={fields.fieldId(field)}
            type="text"
            aria-invalid={fields.invalid(field)}
            aria-describedby={fields.describedBy(field)}
            autoComplete="off"
            spellCheck={false}
            value={row.value}
            onChange={(event) => {
              onChange({ value: event.target.value });
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-grant`}>{t('mapping.grant', { number })}</label>
          <select
            id={`${id}-grant`}
            value={row.grant}
            onChange={(event) => {
              onChange({ grant: event.target.value as Grant });
            }}
          >
            {GRANTS.map((grant) => (
              <option key={grant} value={grant}>
                {t(`mapping.grants.${grant}`)}
              </option>
            ))}
          </select>
        </div>
        {row.grant !== 'tenantAdmin' && (
          <div className="field">
            <label htmlFor={`${id}-department`}>{t('mapping.department', { number })}</label>
            <select
              id={`${id}-department`}
              value={row.department}
              aria-invalid={fields.invalid(field)}
              onChange={(event) => {
                onChange({ department: event.target.value });
              }}
            >
              <option value="">{t('mapping.chooseDepartment')}</option>
              {departments.map((department) => {
                const name = localize(department.name);
                return (
                  <option key={department.id} value={department.slug} lang={name.lang}>
                    {name.text}
                  </option>
                );
              })}
            </select>
          </div>
        )}
      </div>
      <button type="button" className="button" onClick={onRemove}>
        {t('mapping.remove', { number })}
      </button>
    </li>
  );
}

function ClientSecret({
  fields,
  stored,
  form,
  onAction,
  onSecret,
}: {
  fields: ProviderFields;
  stored: boolean;
  form: ProviderForm;
  onAction: (action: ProviderForm['secretAction']) => void;
  onSecret: (secret: string) => void;
}) {
  const { t } = useTranslation('identity-provider');
  const id = useId();
  const input = (
    <Field fields={fields} field="clientSecret" label={t('secret.label')} hint={t('secret.hint')} nested={stored}>
      {(control) => (
        <input
          {...control}
          type="password"
          autoComplete="new-password"
          value={form.clientSecret}
          onChange={(event) => {
            onSecret(event.target.value);
          }}
        />
      )}
    </Field>
  );
  if (!stored) return input;
  return (
    <fieldset className="idp-fieldset">
      <legend>{t('secret.legend')}</legend>
      <p data-testid="identity-provider-secret-stored">{t('secret.stored')}</p>
      {(['keep', 'replace', 'remove'] as const).map((action) => (
        <label key={action} className="choice">
          <input
            type="radio"
            name={`${id}-secret`}
            value={action}
            checked={form.secretAction === action}
            onChange={() => {
              onAction(action);
            }}
          />
          {t(`secret.${action}`)}
        </label>
      ))}
      {form.secretAction === 'replace' && input}
    </fieldset>
  );
}

/** Removing asks once more, in place: the sign-in ends for everyone who uses it. */
function RemoveProvider({ tenant, onRemoved }: { tenant: string; onRemoved: () => void }) {
  const { t } = useTranslation('identity-provider');
  const say = useSay();
  const id = useId();
  const [asking, setAsking] = useState(false);
  const [failure, setFailure] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const refusal = useRefusal();
  const questionRef = useRef<HTMLParagraphElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) questionRef.current?.focus();
  }, [asking]);

  return (
    <section className="idp-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('remove.heading')}</h2>
      <p>{t('remove.text')}</p>
      {!asking ? (
        <button
          ref={startRef}
          type="button"
          className="button"
          onClick={() => {
            setFailure(null);
            setAsking(true);
          }}
        >
          {t('remove.start')}
        </button>
      ) : (
        <div className="panel panel--notice" data-testid="identity-provider-remove-confirm">
          <p ref={questionRef} tabIndex={-1} className="idp-status">
            {t('remove.question')}
          </p>
          <div className="button-row">
            <button
              type="button"
              className="button button--danger"
              aria-disabled={busy || undefined}
              onClick={() => {
                if (busy) return;
                setBusy(true);
                removeProvider(tenant).then(
                  () => {
                    setBusy(false);
                    onRemoved();
                  },
                  (error: unknown) => {
                    setBusy(false);
                    const problem = toApiError(error);
                    if (!refusal.refused(problem)) setFailure(problemMessage(problem));
                  },
                );
              }}
            >
              {t('remove.confirm')}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setAsking(false);
                setFailure(null);
                // Back where the question came from, not to the top of the page.
                requestAnimationFrame(() => startRef.current?.focus());
              }}
            >
              {t('remove.cancel')}
            </button>
          </div>
        </div>
      )}
      {refusal.notice}
      {failure && (
        <p role="alert" className="form-failure">
          {say(failure)}
        </p>
      )}
    </section>
  );
}
