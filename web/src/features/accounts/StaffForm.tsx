import { StaffInviteRequestSchema, type StaffListResponse, type StaffMember } from '@amtsraum/shared';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage, type Message } from '../../lib/message';
import { useLocalize } from '../../lib/useLocalize';
import { ErrorSummary, Field, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { useRefusal } from '../../ui/LostRight';
import { useKeptDraft, useLeaveGuard } from '../../ui/useLeaveGuard';
import { LanguageChecks } from './parts';

type FieldName = 'name' | 'email' | 'roles';
const FIELD_ORDER: FieldName[] = ['name', 'email', 'roles'];
const ERRORS: Record<FieldName, Message> = {
  name: message((t) => t('accounts:staff.form.nameInvalid')),
  email: message((t) => t('accounts:staff.form.emailInvalid')),
  roles: message((t) => t('accounts:staff.form.rolesInvalid')),
};

const TAKEN = message((t) => t('accounts:staff.form.emailTaken'));

export interface StaffFormValues {
  name: string;
  email: string;
  languages: string[];
  isTenantAdmin: boolean;
  roles: StaffMember['roles'];
}

interface StaffFormProps {
  departments: StaffListResponse['departments'];
  initial?: StaffMember;
  /** Editing oneself: the admin flag stays (no lock-out). */
  self?: boolean;
  label: string;
  submitLabel: string;
  onSubmit: (values: StaffFormValues) => Promise<void>;
  onCancel?: () => void;
}

/** Invite or edit: name, e-mail (invite only), languages, municipality admin, a role per department. */
export function StaffForm({
  departments,
  initial,
  self = false,
  label,
  submitLabel,
  onSubmit,
  onCancel,
}: StaffFormProps) {
  const { t } = useTranslation('accounts');
  const id = useId();
  const localize = useLocalize();
  const fields = useFieldErrors(FIELD_ORDER);
  const { setErrors } = fields;
  const [values, setValues] = useState<StaffFormValues>({
    name: initial?.name ?? '',
    email: initial?.email ?? '',
    languages: initial?.languages ?? ['de'],
    isTenantAdmin: initial?.isTenantAdmin ?? false,
    roles: initial?.roles ?? [],
  });
  const [failure, setFailure] = useState<Message | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // A refusal for a lost right is shown anew (and focused) at each refused save.
  const refusal = useRefusal();
  const summaryRef = useRef<HTMLDivElement>(null);
  // Typed into since it opened or was last sent: leaving the page asks first.
  const [unsaved, setUnsaved] = useState(false);
  useLeaveGuard(unsaved);
  // Only a new person's invitation is kept over a new sign-in: an edit form is closed then.
  const restored = useKeptDraft(initial ? `staff-${initial.email}` : 'staff-invite', unsaved, values, (draft) => {
    setValues({
      ...draft,
      languages: draft.languages.filter((language) => typeof language === 'string'),
      roles: draft.roles.filter((role) => typeof role?.departmentId === 'string' && typeof role.role === 'string'),
    });
    setUnsaved(true);
  });
  const change = (patch: Partial<StaffFormValues>) => {
    setValues((current) => ({ ...current, ...patch }));
    setUnsaved(true);
  };

  const show = (found: FieldErrors<FieldName>, formFailure: Message | null) => {
    setErrors(found);
    setFailure(formFailure);
    window.setTimeout(() => summaryRef.current?.focus(), 0);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const parsed = StaffInviteRequestSchema.safeParse(values);
    if (!parsed.success) {
      const found: FieldErrors<FieldName> = {};
      for (const issue of parsed.error.issues) {
        const field = fields.fieldAt(issue.path.map(String).join('.'));
        if (field) found[field] = ERRORS[field];
      }
      return show(found, null);
    }
    setSubmitting(true);
    try {
      await onSubmit(parsed.data);
      setUnsaved(false);
      setErrors({});
      setFailure(null);
      refusal.clear();
    } catch (error) {
      const apiError = toApiError(error);
      if (refusal.refused(apiError)) setErrors({});
      else if (apiError.code === 'email_taken') show({ email: TAKEN }, null);
      else if (apiError.code === 'validation_failed')
        show(
          fields.fromServer(apiError, (field) => ERRORS[field]),
          null,
        );
      else show({}, problemMessage(apiError));
    } finally {
      setSubmitting(false);
    }
  };

  const roleOf = (departmentId: string) => values.roles.find((role) => role.departmentId === departmentId)?.role ?? '';

  return (
    <form className="panel staff-form" aria-label={label} noValidate onSubmit={(e) => void submit(e)}>
      {refusal.notice ?? (
        <ErrorSummary
          ref={summaryRef}
          fields={fields}
          failure={failure}
          failureTestId="staff-failure"
          title={t('staff.form.errorSummary')}
          titleElement="p"
        />
      )}
      {restored}
      <Field fields={fields} field="name" label={t('staff.form.name')} hint={t('staff.form.nameHint')}>
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete="off"
            value={values.name}
            onChange={(event) => {
              change({ name: event.target.value });
            }}
          />
        )}
      </Field>
      {!initial && (
        <Field fields={fields} field="email" label={t('staff.form.email')}>
          {(control) => (
            <input
              {...control}
              type="email"
              inputMode="email"
              autoComplete="off"
              spellCheck={false}
              value={values.email}
              onChange={(event) => {
                change({ email: event.target.value });
              }}
            />
          )}
        </Field>
      )}
      <LanguageChecks
        legend={t('staff.form.languages')}
        value={values.languages}
        onChange={(languages) => {
          change({ languages });
        }}
      />
      <div className="field">
        <label className="choice">
          <input
            type="checkbox"
            checked={values.isTenantAdmin}
            disabled={self}
            aria-describedby={`${id}-admin-hint`}
            onChange={(event) => {
              change({ isTenantAdmin: event.target.checked });
            }}
          />{' '}
          {t('staff.form.tenantAdmin')}
        </label>
        <p id={`${id}-admin-hint`} className="field__hint">
          {self ? t('staff.form.tenantAdminSelf') : t('staff.form.tenantAdminHint')}
        </p>
      </div>
      <fieldset className="field" aria-describedby={fields.describedBy('roles')}>
        <legend>{t('staff.form.roles')}</legend>
        {fields.fieldError('roles')}
        {departments.length === 0 && <p>{t('staff.form.noDepartments')}</p>}
        {departments.map((department) => {
          const name = localize(department.name);
          return (
            <div key={department.id} className="field field--nested">
              <label htmlFor={`${id}-role-${department.id}`} lang={name.lang}>
                {name.text}
              </label>
              <select
                id={`${id}-role-${department.id}`}
                value={roleOf(department.id)}
                onChange={(event) => {
                  const role = event.target.value as 'clerk' | 'admin' | '';
                  const others = values.roles.filter((r) => r.departmentId !== department.id);
                  change({ roles: role ? [...others, { departmentId: department.id, role }] : others });
                }}
              >
                <option value="">{t('staff.role.none')}</option>
                <option value="clerk">{t('staff.role.clerk')}</option>
                <option value="admin">{t('staff.role.admin')}</option>
              </select>
            </div>
          );
        })}
      </fieldset>
      <div className="button-row">
        <button type="submit" className="button button--primary" aria-disabled={submitting || undefined}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            {t('staff.form.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
