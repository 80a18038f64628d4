import {
  pagePath,
  STATE_CODES,
  SUPPORTED_LOCALES,
  type AdminDepartment,
  type StateCode,
  type TenantSettings,
} from '@amtsraum/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { message } from '../../lib/message';
import { Link, useNavigate, useParams } from '../../lib/router';
import { useLocalize } from '../../lib/useLocalize';
import { keepWhileReloading } from '../../lib/useLoad';
import { Field } from '../../ui/forms';
import { useLanguageName } from '../../ui/LanguageOptions';
import { PageHeading } from '../../ui/PageHeading';
import { AdminLoad } from './AdminGate';
import { createDepartment, tenantBase, updateTenantSettings, useTenantDepartments, useTenantSettings } from './api';
import { ClosuresEditor } from './ClosuresEditor';
import { useKeptDraft } from '../../ui/useLeaveGuard';
import { FormSummary, SavedStatus, useAdminForm } from './useAdminForm';
import './admin.css';

/** `/admin/:tenant`: the municipality's settings, its departments, its holidays, links to the rest. */
export function AdminTenantPage() {
  const { tenant = '' } = useParams();
  const state = useTenantSettings(tenant);
  return (
    <AdminLoad state={keepWhileReloading(state)}>
      {(settings) => <AdminTenant key={settings.slug} settings={settings} reload={state.reload} />}
    </AdminLoad>
  );
}

function AdminTenant({ settings, reload }: { settings: TenantSettings; reload: () => void }) {
  const { t } = useTranslation('admin');
  const base = `/admin/${encodeURIComponent(settings.slug)}`;
  return (
    <>
      <PageHeading title={t('tenant.title', { name: settings.name })} />
      <p>
        <Link to={pagePath('adminHome')}>{t('home.title')}</Link>
      </p>
      <nav aria-label={t('tenant.moreLabel')}>
        <ul className="admin-links">
          <li>
            <Link to={`${base}/staff`}>{t('tenant.links.staff')}</Link>
          </li>
          <li>
            <Link to={`${base}/audit`}>{t('tenant.links.audit')}</Link>
          </li>
          <li>
            <Link to={`${base}/texts`}>{t('tenant.links.texts')}</Link>
          </li>
          <li>
            <Link to={pagePath('adminSignIn', { tenant: settings.slug })}>{t('tenant.links.signIn')}</Link>
          </li>
          <li>
            {/* The installation file `npm run setup` reads (README, "Export"): a download, not a page. */}
            <a href={`/api/admin/tenants/${encodeURIComponent(settings.slug)}/export`} download>
              {t('tenant.links.export')}
            </a>
          </li>
        </ul>
      </nav>
      <SettingsForm settings={settings} onSaved={reload} />
      <Departments tenant={settings.slug} />
      <section className="admin-section" aria-labelledby="tenant-closures">
        <h2 id="tenant-closures">{t('closures.tenantHeading')}</h2>
        <ClosuresEditor
          scope={tenantBase(settings.slug)}
          tenant={settings.slug}
          canPrefill
          timeZone={settings.timeZone}
        />
      </section>
    </>
  );
}

type SettingsField = 'name' | 'logoUrl' | 'brandColor' | 'timeZone' | 'locales' | 'stateCode' | 'contact';
const SETTINGS_FIELDS: SettingsField[] = [
  'name',
  'logoUrl',
  'brandColor',
  'timeZone',
  'locales',
  'stateCode',
  'contact',
];

function SettingsForm({ settings, onSaved }: { settings: TenantSettings; onSaved: () => void }) {
  const { t } = useTranslation('admin');
  const languageName = useLanguageName();
  const form = useAdminForm(SETTINGS_FIELDS);
  const { fields } = form;
  const [name, setName] = useState(settings.name);
  const [logoUrl, setLogoUrl] = useState(settings.logoUrl ?? '');
  const [brandColor, setBrandColor] = useState(settings.brandColor);
  const [timeZone, setTimeZone] = useState(settings.timeZone);
  const [locales, setLocales] = useState<string[]>(settings.locales);
  const [stateCode, setStateCode] = useState<StateCode>(settings.stateCode);
  const [phone, setPhone] = useState(settings.contact.phone ?? '');
  const [email, setEmail] = useState(settings.contact.email ?? '');
  const [address, setAddress] = useState(settings.contact.address ?? '');
  const restored = useKeptDraft(
    'settings',
    form.unsaved,
    { name, logoUrl, brandColor, timeZone, locales, stateCode, phone, email, address },
    (draft) => {
      setName(draft.name);
      setLogoUrl(draft.logoUrl);
      setBrandColor(draft.brandColor);
      setTimeZone(draft.timeZone);
      setLocales(draft.locales.filter((locale) => typeof locale === 'string'));
      setStateCode(draft.stateCode);
      setPhone(draft.phone);
      setEmail(draft.email);
      setAddress(draft.address);
      form.edited();
    },
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await form.run(
      () =>
        updateTenantSettings(settings.slug, {
          name,
          logoUrl: logoUrl.trim() || null,
          brandColor,
          timeZone: timeZone.trim(),
          locales: SUPPORTED_LOCALES.filter((l) => l === 'de' || locales.includes(l)),
          stateCode,
          contact: {
            ...(phone.trim() ? { phone: phone.trim() } : {}),
            ...(email.trim() ? { email: email.trim() } : {}),
            ...(address.trim() ? { address: address.trim() } : {}),
          },
        }),
      message((tr) => tr('admin:form.saved')),
    );
    if (saved) onSaved();
  };

  return (
    <section className="admin-section" aria-labelledby="tenant-settings">
      <h2 id="tenant-settings">{t('tenant.settingsHeading')}</h2>
      <form
        className="panel"
        noValidate
        onSubmit={(e) => void submit(e)}
        onChange={form.edited}
        data-testid="tenant-settings"
      >
        <FormSummary form={form} />
        {restored}
        <Field fields={fields} field="name" label={t('tenant.name')}>
          {(control) => <input type="text" {...control} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field fields={fields} field="logoUrl" label={t('tenant.logoUrl')} hint={t('tenant.logoUrlHint')}>
          {(control) => <input {...control} type="url" value={logoUrl} onChange={(e) => setLogoUrl(e.target.value)} />}
        </Field>
        <Field fields={fields} field="brandColor" label={t('tenant.brandColor')} hint={t('tenant.brandColorHint')}>
          {(control) => (
            <input type="text" {...control} value={brandColor} onChange={(e) => setBrandColor(e.target.value)} />
          )}
        </Field>
        <Field fields={fields} field="timeZone" label={t('tenant.timeZone')} hint={t('tenant.timeZoneHint')}>
          {(control) => (
            <input type="text" {...control} value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />
          )}
        </Field>
        <fieldset className="admin-fieldset" id={fields.fieldId('locales')}>
          <legend>{t('tenant.locales')}</legend>
          {fields.fieldError('locales')}
          {SUPPORTED_LOCALES.map((locale) => (
            <label key={locale} className="choice">
              <input
                type="checkbox"
                checked={locale === 'de' || locales.includes(locale)}
                disabled={locale === 'de'}
                onChange={(e) =>
                  setLocales((list) =>
                    e.target.checked ? [...list, locale] : list.filter((entry) => entry !== locale),
                  )
                }
              />{' '}
              {languageName(locale)}
            </label>
          ))}
          <p className="field__hint">{t('tenant.localesHint')}</p>
        </fieldset>
        <Field fields={fields} field="stateCode" label={t('tenant.stateCode')} hint={t('tenant.stateCodeHint')}>
          {(control) => (
            <select {...control} value={stateCode} onChange={(e) => setStateCode(e.target.value as StateCode)}>
              {STATE_CODES.map((code) => (
                <option key={code} value={code}>
                  {t(`states.${code}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="admin-fieldset" id={fields.fieldId('contact')}>
          <legend>{t('tenant.contact')}</legend>
          {fields.fieldError('contact')}
          <ContactInputs
            phone={[phone, setPhone]}
            email={[email, setEmail]}
            address={[address, setAddress]}
            idPrefix="tenant-contact"
          />
        </fieldset>
        <button type="submit" className="button button--primary" aria-disabled={form.busy || undefined}>
          {t('form.save')}
        </button>
        <SavedStatus form={form} testId="tenant-saved" />
      </form>
    </section>
  );
}

type Pair = [string, (value: string) => void];

/** Phone, e-mail and address of a contact (each optional). */
export function ContactInputs({
  phone,
  email,
  address,
  room,
  idPrefix,
}: {
  phone: Pair;
  email: Pair;
  address: Pair;
  room?: Pair;
  idPrefix: string;
}) {
  const { t } = useTranslation('admin');
  const rows: ['phone' | 'email' | 'address' | 'room', Pair | undefined, string][] = [
    ['phone', phone, 'tel'],
    ['email', email, 'email'],
    ['address', address, 'text'],
    ['room', room, 'text'],
  ];
  return (
    <>
      {rows.map(([key, pair, type]) =>
        pair ? (
          <div className="field" key={key}>
            <label htmlFor={`${idPrefix}-${key}`}>{t(`contact.${key}`)}</label>
            <input id={`${idPrefix}-${key}`} type={type} value={pair[0]} onChange={(e) => pair[1](e.target.value)} />
          </div>
        ) : null,
      )}
    </>
  );
}

function Departments({ tenant }: { tenant: string }) {
  const { t } = useTranslation('admin');
  const localize = useLocalize();
  const state = useTenantDepartments(tenant);
  return (
    <section className="admin-section" aria-labelledby="tenant-departments">
      <h2 id="tenant-departments">{t('tenant.departmentsHeading')}</h2>
      <AdminLoad state={state}>
        {({ departments }) => (
          <ul className="admin-list" data-testid="admin-departments">
            {departments.map((department: AdminDepartment) => {
              const name = localize(department.name);
              return (
                <li key={department.id}>
                  <Link to={pagePath('adminDepartment', { tenant, department: department.slug })} lang={name.lang}>
                    {name.text}
                  </Link>
                  <span className="muted">
                    /{department.slug}
                    {department.archivedAt && ` · ${t('department.archived')}`}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </AdminLoad>
      <CreateDepartment tenant={tenant} />
    </section>
  );
}

type CreateField = 'slug' | 'name' | 'description';
const CREATE_FIELDS: CreateField[] = ['slug', 'name', 'description'];

function CreateDepartment({ tenant }: { tenant: string }) {
  const { t } = useTranslation('admin');
  const navigate = useNavigate();
  const form = useAdminForm(CREATE_FIELDS);
  const { fields } = form;
  const [slug, setSlug] = useState('');
  const [nameDe, setNameDe] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [description, setDescription] = useState('');
  const restored = useKeptDraft('new-department', form.unsaved, { slug, nameDe, nameEn, description }, (draft) => {
    setSlug(draft.slug);
    setNameDe(draft.nameDe);
    setNameEn(draft.nameEn);
    setDescription(draft.description);
    form.edited();
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await form.run(
      () =>
        createDepartment(tenant, {
          slug: slug.trim(),
          name: { de: nameDe.trim(), ...(nameEn.trim() ? { en: nameEn.trim() } : {}) },
          description: { de: description.trim() || nameDe.trim() },
        }),
      message((tr) => tr('admin:form.saved')),
    );
    if (created) void navigate(pagePath('adminDepartment', { tenant, department: created.slug }));
  };

  return (
    <form
      className="panel"
      noValidate
      onSubmit={(e) => void submit(e)}
      onChange={form.edited}
      aria-labelledby="create-department"
    >
      <h3 id="create-department">{t('tenant.createHeading')}</h3>
      <FormSummary form={form} />
      {restored}
      <Field fields={fields} field="slug" label={t('tenant.slug')} hint={t('tenant.slugHint')}>
        {(control) => (
          <input type="text" {...control} value={slug} spellCheck={false} onChange={(e) => setSlug(e.target.value)} />
        )}
      </Field>
      <Field fields={fields} field="name" label={t('department.nameDe')}>
        {(control) => <input type="text" {...control} value={nameDe} onChange={(e) => setNameDe(e.target.value)} />}
      </Field>
      <div className="field">
        <label htmlFor="create-department-name-en">{t('department.nameEn')}</label>
        <input type="text" id="create-department-name-en" value={nameEn} onChange={(e) => setNameEn(e.target.value)} />
      </div>
      <Field fields={fields} field="description" label={t('department.descriptionDe')}>
        {(control) => (
          <textarea {...control} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        )}
      </Field>
      <button type="submit" className="button button--primary" aria-disabled={form.busy || undefined}>
        {t('tenant.create')}
      </button>
    </form>
  );
}
