import { pagePath, type AdminDepartment, type ArchivePreview, type DoorPolicy } from '@amtsraum/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { message, useSay } from '../../lib/message';
import { Link, useParams } from '../../lib/router';
import { useLocalize } from '../../lib/useLocalize';
import { keepWhileReloading } from '../../lib/useLoad';
import { formatClock, formatLongDate } from '../../ui/format';
import { Field } from '../../ui/forms';
import { PageHeading } from '../../ui/PageHeading';
import { AdminGate, AdminLoad } from './AdminGate';
import { archiveDepartment, departmentBase, getArchivePreview, updateDepartment, useAdminDepartment } from './api';
import { ContactInputs } from './AdminTenantPage';
import { ClosuresEditor } from './ClosuresEditor';
import { HoursEditor } from './HoursEditor';
import { OnsiteSettings } from './OnsiteSettings';
import { useKeptDraft } from '../../ui/useLeaveGuard';
import { FormSummary, SavedStatus, useAdminForm } from './useAdminForm';
import './admin.css';

/** `/admin/:tenant/departments/:department`: settings, hours, closures and archiving of one department. */
export function AdminDepartmentPage() {
  const { tenant = '', department = '' } = useParams();
  const state = useAdminDepartment(tenant, department);
  return (
    <AdminGate>
      {(me) => (
        <AdminLoad state={keepWhileReloading(state)}>
          {(row) => (
            <AdminDepartmentView
              key={row.id}
              tenant={tenant}
              department={row}
              isTenantAdmin={me.staff.isTenantAdmin && me.staff.tenantSlug === tenant}
              reload={state.reload}
            />
          )}
        </AdminLoad>
      )}
    </AdminGate>
  );
}

function AdminDepartmentView({
  tenant,
  department,
  isTenantAdmin,
  reload,
}: {
  tenant: string;
  department: AdminDepartment;
  isTenantAdmin: boolean;
  reload: () => void;
}) {
  const { t } = useTranslation('admin');
  const localize = useLocalize();
  const name = localize(department.name);
  const base = `/admin/${encodeURIComponent(tenant)}/departments/${encodeURIComponent(department.slug)}`;
  const archived = department.archivedAt !== null;
  return (
    <>
      <PageHeading title={t('department.title', { name: name.text })}>
        <span lang={name.lang}>{name.text}</span>
      </PageHeading>
      <p>
        {isTenantAdmin ? (
          <Link to={pagePath('adminTenant', { tenant })}>{t('department.backToTenant')}</Link>
        ) : (
          <Link to={pagePath('adminHome')}>{t('home.title')}</Link>
        )}
      </p>
      {archived ? (
        <p className="admin-notice" data-testid="department-archived">
          {t('department.archivedNotice')}
        </p>
      ) : (
        <>
          <nav aria-label={t('department.moreLabel')}>
            <ul className="admin-links">
              <li>
                <Link to={`${base}/services`}>{t('department.links.services')}</Link>
              </li>
              <li>
                <Link to={`${base}/availability`}>{t('department.links.availability')}</Link>
              </li>
              <li>
                <Link to={`${base}/devices`}>{t('department.links.devices')}</Link>
              </li>
              <li>
                <a href={pagePath('department', { tenant, department: department.slug })}>
                  {t('department.links.door')}
                </a>
              </li>
            </ul>
          </nav>
          <DepartmentSettings tenant={tenant} department={department} onSaved={reload} />
          <OnsiteSettings tenant={tenant} department={department} onSaved={reload} />
          <HoursEditor
            hours={department.openingHours}
            onSave={(openingHours) => updateDepartment(tenant, department.slug, { openingHours })}
          />
          <section className="admin-section" aria-labelledby="department-closures">
            <h2 id="department-closures">{t('closures.departmentHeading')}</h2>
            <ClosuresEditor
              scope={departmentBase(tenant, department.slug)}
              tenant={tenant}
              canPrefill={isTenantAdmin}
              department
            />
          </section>
          <ArchiveSection tenant={tenant} department={department} onArchived={reload} />
        </>
      )}
    </>
  );
}

type SettingsField =
  'name' | 'description' | 'nameForms' | 'contact' | 'doorPolicy' | 'queueCap' | 'avgHandlingMinutes';
const SETTINGS_FIELDS: SettingsField[] = [
  'name',
  'description',
  'nameForms',
  'contact',
  'doorPolicy',
  'queueCap',
  'avgHandlingMinutes',
];

function DepartmentSettings({
  tenant,
  department,
  onSaved,
}: {
  tenant: string;
  department: AdminDepartment;
  onSaved: () => void;
}) {
  const { t } = useTranslation('admin');
  const form = useAdminForm(SETTINGS_FIELDS);
  const { fields } = form;
  const [nameDe, setNameDe] = useState(department.name.de);
  const [nameEn, setNameEn] = useState(department.name.en ?? '');
  const [descriptionDe, setDescriptionDe] = useState(department.description.de);
  const [descriptionEn, setDescriptionEn] = useState(department.description.en ?? '');
  const [atDe, setAtDe] = useState(department.nameForms.de?.at ?? '');
  const [toDe, setToDe] = useState(department.nameForms.de?.to ?? '');
  const [atEn, setAtEn] = useState(department.nameForms.en?.at ?? '');
  const [toEn, setToEn] = useState(department.nameForms.en?.to ?? '');
  const [phone, setPhone] = useState(department.contact.phone ?? '');
  const [email, setEmail] = useState(department.contact.email ?? '');
  const [address, setAddress] = useState(department.contact.address ?? '');
  const [room, setRoom] = useState(department.contact.room ?? '');
  const [doorPolicy, setDoorPolicy] = useState<DoorPolicy>(department.doorPolicy);
  const [queueCap, setQueueCap] = useState(String(department.queueCap));
  const [avg, setAvg] = useState(String(department.avgHandlingMinutes));
  const restored = useKeptDraft(
    'settings',
    form.unsaved,
    {
      nameDe,
      nameEn,
      descriptionDe,
      descriptionEn,
      atDe,
      toDe,
      atEn,
      toEn,
      phone,
      email,
      address,
      room,
      doorPolicy,
      queueCap,
      avg,
    },
    (draft) => {
      setNameDe(draft.nameDe);
      setNameEn(draft.nameEn);
      setDescriptionDe(draft.descriptionDe);
      setDescriptionEn(draft.descriptionEn);
      setAtDe(draft.atDe);
      setToDe(draft.toDe);
      setAtEn(draft.atEn);
      setToEn(draft.toEn);
      setPhone(draft.phone);
      setEmail(draft.email);
      setAddress(draft.address);
      setRoom(draft.room);
      setDoorPolicy(draft.doorPolicy);
      setQueueCap(draft.queueCap);
      setAvg(draft.avg);
      form.edited();
    },
  );

  const localized = (de: string, en: string) => ({ de: de.trim(), ...(en.trim() ? { en: en.trim() } : {}) });
  const forms = (at: string, to: string) => (at.trim() && to.trim() ? { at: at.trim(), to: to.trim() } : null);
  const optional = (key: string, value: string) => (value.trim() ? { [key]: value.trim() } : {});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const de = forms(atDe, toDe);
    const en = forms(atEn, toEn);
    const saved = await form.run(
      () =>
        updateDepartment(tenant, department.slug, {
          name: localized(nameDe, nameEn),
          description: localized(descriptionDe, descriptionEn),
          nameForms: { ...(de ? { de } : {}), ...(en ? { en } : {}) },
          contact: {
            ...optional('phone', phone),
            ...optional('email', email),
            ...optional('address', address),
            ...optional('room', room),
          },
          doorPolicy,
          queueCap: Number(queueCap),
          avgHandlingMinutes: Number(avg),
        }),
      message((tr) => tr('admin:form.saved')),
    );
    if (saved) onSaved();
  };

  const text = (id: string, label: string, value: string, set: (v: string) => void) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input type="text" id={id} value={value} onChange={(e) => set(e.target.value)} />
    </div>
  );

  return (
    <section className="admin-section" aria-labelledby="department-settings">
      <h2 id="department-settings">{t('department.settingsHeading')}</h2>
      <form className="panel" noValidate onSubmit={(e) => void submit(e)} onChange={form.edited}>
        <FormSummary form={form} />
        {restored}
        <Field fields={fields} field="name" label={t('department.nameDe')}>
          {(control) => <input type="text" {...control} value={nameDe} onChange={(e) => setNameDe(e.target.value)} />}
        </Field>
        {text('department-name-en', t('department.nameEn'), nameEn, setNameEn)}
        <Field fields={fields} field="description" label={t('department.descriptionDe')}>
          {(control) => (
            <textarea {...control} rows={3} value={descriptionDe} onChange={(e) => setDescriptionDe(e.target.value)} />
          )}
        </Field>
        <div className="field">
          <label htmlFor="department-description-en">{t('department.descriptionEn')}</label>
          <textarea
            id="department-description-en"
            rows={3}
            value={descriptionEn}
            onChange={(e) => setDescriptionEn(e.target.value)}
          />
        </div>
        <fieldset className="admin-fieldset" id={fields.fieldId('nameForms')}>
          <legend>{t('department.nameForms')}</legend>
          <p className="field__hint">{t('department.nameFormsHint')}</p>
          {fields.fieldError('nameForms')}
          {text('department-at-de', t('department.atDe'), atDe, setAtDe)}
          {text('department-to-de', t('department.toDe'), toDe, setToDe)}
          {text('department-at-en', t('department.atEn'), atEn, setAtEn)}
          {text('department-to-en', t('department.toEn'), toEn, setToEn)}
        </fieldset>
        <fieldset className="admin-fieldset" id={fields.fieldId('contact')}>
          <legend>{t('tenant.contact')}</legend>
          {fields.fieldError('contact')}
          <ContactInputs
            phone={[phone, setPhone]}
            email={[email, setEmail]}
            address={[address, setAddress]}
            room={[room, setRoom]}
            idPrefix="department-contact"
          />
        </fieldset>
        <fieldset className="admin-fieldset" id={fields.fieldId('doorPolicy')}>
          <legend>{t('department.doorPolicy')}</legend>
          {(['hours', 'manual'] as const).map((policy) => (
            <label key={policy} className="choice">
              <input
                type="radio"
                name="doorPolicy"
                value={policy}
                checked={doorPolicy === policy}
                onChange={() => setDoorPolicy(policy)}
              />{' '}
              {t(`department.policy.${policy}`)}
            </label>
          ))}
        </fieldset>
        <Field fields={fields} field="queueCap" label={t('department.queueCap')} hint={t('department.queueCapHint')}>
          {(control) => (
            <input
              type="text"
              {...control}
              inputMode="numeric"
              value={queueCap}
              onChange={(e) => setQueueCap(e.target.value)}
            />
          )}
        </Field>
        <Field
          fields={fields}
          field="avgHandlingMinutes"
          label={t('department.avgHandlingMinutes')}
          hint={t('department.avgHandlingMinutesHint')}
        >
          {(control) => (
            <input type="text" {...control} inputMode="numeric" value={avg} onChange={(e) => setAvg(e.target.value)} />
          )}
        </Field>
        <button type="submit" className="button button--primary" aria-disabled={form.busy || undefined}>
          {t('form.save')}
        </button>
        <SavedStatus form={form} testId="department-saved" />
      </form>
    </section>
  );
}

function ArchiveSection({
  tenant,
  department,
  onArchived,
}: {
  tenant: string;
  department: AdminDepartment;
  onArchived: () => void;
}) {
  const { t, i18n } = useTranslation('admin');
  const say = useSay();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const form = useAdminForm(['confirmAffected', 'note'] as const);
  const [preview, setPreview] = useState<ArchivePreview | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [note, setNote] = useState('');
  // The button pressed gives way to the preview (and back): the focus follows, to what it says.
  const previewRef = useRef<HTMLParagraphElement>(null);
  const prepareRef = useRef<HTMLButtonElement>(null);
  const follow = useRef(false);
  useEffect(() => {
    if (!follow.current) return;
    follow.current = false;
    (preview ? previewRef.current : prepareRef.current)?.focus();
  }, [preview]);

  const loadPreview = async (focus = false) => {
    const result = await form.run(
      () => getArchivePreview(tenant, department.slug),
      message(() => ''),
    );
    if (result) {
      follow.current = focus;
      setPreview(result);
      setConfirmed(false);
    }
  };

  const archive = async (event: FormEvent) => {
    event.preventDefault();
    if (!preview) return;
    if (!confirmed) {
      form.fail(message((tr) => tr('admin:archive.confirmFirst')));
      return;
    }
    const done = await form.run(
      () =>
        archiveDepartment(tenant, department.slug, {
          confirmAffected: preview.affected,
          ...(note.trim() ? { note: note.trim() } : {}),
        }),
      message((tr) => tr('admin:archive.done')),
    );
    if (done) onArchived();
    // The numbers changed meanwhile: show the new ones.
    else void loadPreview();
  };

  return (
    <section className="admin-section admin-danger" aria-labelledby="department-archive">
      <h2 id="department-archive">{t('archive.heading')}</h2>
      <p>{t('archive.intro')}</p>
      {!preview ? (
        <>
          <FormSummary form={form} />
          <button ref={prepareRef} type="button" className="button" onClick={() => void loadPreview(true)}>
            {t('archive.prepare')}
          </button>
        </>
      ) : (
        <form noValidate onSubmit={(e) => void archive(e)} data-testid="archive-form">
          <FormSummary form={form} />
          <p ref={previewRef} tabIndex={-1} data-testid="archive-preview">
            {t('archive.waiting', { count: preview.waiting })}{' '}
            {t('archive.appointments', { count: preview.appointments.length })}
          </p>
          {preview.appointments.length > 0 && (
            <ul>
              {preview.appointments.map((a) => (
                <li key={a.id}>
                  {formatLongDate(new Date(a.startsAt), locale, preview.timeZone)},{' '}
                  {formatClock(new Date(a.startsAt), locale, preview.timeZone)}
                </li>
              ))}
            </ul>
          )}
          <div className="field">
            <label htmlFor="archive-note">{t('archive.note')}</label>
            <p id="archive-note-hint" className="field__hint">
              {t('archive.noteHint')}
            </p>
            <textarea
              id="archive-note"
              rows={2}
              aria-describedby="archive-note-hint"
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
          <label className="choice">
            <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />{' '}
            {t('archive.confirm', { count: preview.affected })}
          </label>
          <div className="button-row">
            <button type="submit" className="button button--danger" aria-disabled={form.busy || undefined}>
              {t('archive.submit')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                follow.current = true;
                setPreview(null);
              }}
            >
              {t('archive.cancel')}
            </button>
          </div>
        </form>
      )}
      <p role="status" className="muted">
        {form.saved ? say(form.saved) : ''}
      </p>
    </section>
  );
}
