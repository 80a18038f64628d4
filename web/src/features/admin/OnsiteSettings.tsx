import type { AdminDepartment } from '@amtsraum/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { message } from '../../lib/message';
import { Field } from '../../ui/forms';
import { updateDepartment } from './api';
import { useKeptDraft } from '../../ui/useLeaveGuard';
import { FormSummary, SavedStatus, useAdminForm } from './useAdminForm';

const FIELDS = ['onsiteLocation', 'kioskWalkIns', 'checkInOpensMinutesBefore'] as const;

/**
 * The hybrid office (issue 16): where on-site appointments take place, whether the kiosk hands
 * out walk-in tickets, and how early booked citizens may check in. The location comes first:
 * services offer on site only once it is there (the services page says so too).
 */
export function OnsiteSettings({
  tenant,
  department,
  onSaved,
}: {
  tenant: string;
  department: AdminDepartment;
  onSaved: () => void;
}) {
  const { t } = useTranslation('admin');
  const form = useAdminForm(FIELDS);
  const { fields } = form;
  const [locationDe, setLocationDe] = useState(department.onsiteLocation?.de ?? '');
  const [locationEn, setLocationEn] = useState(department.onsiteLocation?.en ?? '');
  const [walkIns, setWalkIns] = useState(department.kioskWalkIns);
  const [opens, setOpens] = useState(String(department.checkInOpensMinutesBefore));
  const restored = useKeptDraft('onsite', form.unsaved, { locationDe, locationEn, walkIns, opens }, (kept) => {
    setLocationDe(kept.locationDe);
    setLocationEn(kept.locationEn);
    setWalkIns(kept.walkIns);
    setOpens(kept.opens);
    form.edited();
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const de = locationDe.trim();
    const en = locationEn.trim();
    const saved = await form.run(
      () =>
        updateDepartment(tenant, department.slug, {
          // Without the German text there is no location: on site is then off.
          onsiteLocation: de ? { de, ...(en ? { en } : {}) } : null,
          kioskWalkIns: walkIns,
          checkInOpensMinutesBefore: Number(opens),
        }),
      message((tr) => tr('admin:form.saved')),
    );
    if (saved) onSaved();
  };

  return (
    <section className="admin-section" aria-labelledby="department-onsite">
      <h2 id="department-onsite">{t('onsite.heading')}</h2>
      <p>{t('onsite.intro')}</p>
      <form className="panel" noValidate onSubmit={(e) => void submit(e)} onChange={form.edited}>
        <FormSummary form={form} />
        {restored}
        <Field fields={fields} field="onsiteLocation" label={t('onsite.locationDe')} hint={t('onsite.locationHint')}>
          {(control) => (
            <textarea {...control} rows={3} value={locationDe} onChange={(e) => setLocationDe(e.target.value)} />
          )}
        </Field>
        <div className="field">
          <label htmlFor="department-onsite-en">{t('onsite.locationEn')}</label>
          <textarea
            id="department-onsite-en"
            rows={3}
            value={locationEn}
            onChange={(e) => setLocationEn(e.target.value)}
          />
        </div>
        <div className="field" id={fields.fieldId('kioskWalkIns')}>
          {fields.fieldError('kioskWalkIns')}
          <label className="choice">
            <input type="checkbox" checked={walkIns} onChange={(e) => setWalkIns(e.target.checked)} />{' '}
            {t('onsite.walkIns')}
          </label>
        </div>
        <Field
          fields={fields}
          field="checkInOpensMinutesBefore"
          label={t('onsite.checkInOpens')}
          hint={t('onsite.checkInOpensHint')}
        >
          {(control) => (
            <input
              type="text"
              {...control}
              inputMode="numeric"
              value={opens}
              onChange={(e) => setOpens(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button--primary" aria-disabled={form.busy || undefined}>
          {t('form.save')}
        </button>
        <SavedStatus form={form} testId="onsite-saved" />
      </form>
    </section>
  );
}
