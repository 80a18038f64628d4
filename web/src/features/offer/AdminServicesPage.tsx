import {
  CreateServiceSchema,
  pagePath,
  ServiceInputSchema,
  type AdminService,
  type AdminServicesResponse,
  type CreateService,
  type LocalizedText,
  type ServiceChannels,
  SERVICE_CHANNELS,
} from '@amtsraum/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { safeParse } from 'zod/mini';
import { toApiError } from '../../lib/api';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { Link, useParams } from '../../lib/router';
import { useLocalize } from '../../lib/useLocalize';
import { useReloadWhenShown } from '../../lib/useReloadWhenShown';
import { ErrorSummary, Field, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { PageHeading } from '../../ui/PageHeading';
import { isRefused, useRefusal } from '../../ui/LostRight';
import { useKeptDraft, useKeptDraftNames, useLeaveGuard } from '../../ui/useLeaveGuard';
import { NotFoundOr } from '../directory';
import { AdminGate } from './AdminGate';
import { archiveService, createService, reorderServices, updateService, useServices, type DepartmentRef } from './api';
import './offer.css';

/** `/admin/:tenant/departments/:department/services`: the department's services (issue 15, item 2). */
export function AdminServicesPage() {
  const { t } = useTranslation('offer');
  const params = useParams();
  const ref: DepartmentRef = { tenant: params.tenant ?? '', department: params.department ?? '' };
  const state = useServices(ref);
  useReloadWhenShown(state.reload);
  return (
    <NotFoundOr refused={isRefused(state)}>
      <PageHeading title={t('services.title')} />
      <p>
        <Link to={pagePath('adminDepartment', ref)}>{t('services.back')}</Link>
      </p>
      <p>
        <Link to={pagePath('adminAvailability', ref)}>{t('availability.title')}</Link>
      </p>
      <AdminGate state={state}>{(data) => <Services refOf={ref} data={data} reload={state.reload} />}</AdminGate>
    </NotFoundOr>
  );
}

function Services({ refOf, data, reload }: { refOf: DepartmentRef; data: AdminServicesResponse; reload: () => void }) {
  const { t } = useTranslation('offer');
  const say = useSay();
  const localize = useLocalize();
  // A service's form with typing kept over a new sign-in opens again, and fills it in.
  const kept = useKeptDraftNames('service-');
  const [editing, setEditing] = useState<AdminService | 'new' | null>(() =>
    kept.includes('service-new') ? 'new' : (data.services.find((s) => kept.includes(`service-${s.id}`)) ?? null),
  );
  const [failure, setFailure] = useState<Message | null>(null);
  // The saved (archived, restored) service's name, said above the list where the focus returns:
  // the form closing and a new line in the list was all an admin saw of a save, and a renamed
  // button all they heard of an archiving.
  const [done, setDone] = useState<{ what: 'saved' | 'archived' | 'restored'; name: LocalizedText } | null>(null);
  const refusal = useRefusal();
  const live = data.services.filter((s) => !s.archivedAt);
  // The form takes the list's place: once it closes, the focus goes back to the button that
  // opened it ("add", or that service's "edit"), not to the page's start.
  const listRef = useRef<HTMLDivElement>(null);
  const openedBy = useRef<string | null>(null);
  useEffect(() => {
    if (editing || !openedBy.current) return;
    listRef.current?.querySelector<HTMLElement>(`[data-opens="${openedBy.current}"]`)?.focus();
    openedBy.current = null;
  }, [editing]);
  // A moved service's "up" or "down" goes when it reaches the top or the bottom, and the list is
  // drawn anew in its new order: once it has, the focus is on the same button of the moved service
  // again (or the other direction's, at an end), not on the page's start.
  const moved = useRef<{ id: string; by: number } | null>(null);
  useEffect(() => {
    if (!moved.current) return;
    const { id, by } = moved.current;
    moved.current = null;
    const button = (direction: string) =>
      listRef.current?.querySelector<HTMLElement>(`[data-moves="${id}:${direction}"]`);
    const [same, other] = by < 0 ? ['up', 'down'] : ['down', 'up'];
    (button(same) ?? button(other) ?? listRef.current?.querySelector<HTMLElement>(`[data-opens="${id}"]`))?.focus();
  }, [data]);
  // An archived service moves to the list's end (a restored one back among the others): the focus
  // follows it to its "restore" (or "archive") button instead of falling to the page's start.
  const toggled = useRef<string | null>(null);
  useEffect(() => {
    if (!toggled.current) return;
    listRef.current?.querySelector<HTMLElement>(`[data-archives="${toggled.current}"]`)?.focus();
    toggled.current = null;
  }, [data]);
  const open = (what: AdminService | 'new') => {
    openedBy.current = what === 'new' ? 'new' : what.id;
    setEditing(what);
  };

  const act = async (work: () => Promise<unknown>) => {
    setFailure(null);
    setDone(null);
    refusal.clear();
    try {
      await work();
      reload();
    } catch (error) {
      const problem = toApiError(error);
      if (!refusal.refused(problem)) setFailure(problemMessage(problem));
    }
  };
  const move = (index: number, by: number) => {
    const ids = data.services.map((s) => s.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    void act(async () => {
      await reorderServices(refOf, ids);
      moved.current = { id: id!, by };
    });
  };

  if (editing) {
    return (
      <ServiceForm
        refOf={refOf}
        locales={data.locales}
        departmentMaxPersons={data.departmentMaxPersons}
        onsiteReady={data.onsiteReady ?? false}
        service={editing === 'new' ? null : editing}
        onDone={(saved) => {
          setEditing(null);
          setDone(saved && { what: 'saved', name: saved });
          if (saved) reload();
        }}
      />
    );
  }
  return (
    <div ref={listRef}>
      {refusal.notice}
      <p role="status" className={done ? 'notice' : 'visually-hidden'} data-testid="services-status">
        {done && t(`services.${done.what}Done`, { name: localize(done.name).text })}
      </p>
      {failure && (
        <p className="notice notice--warning" role="alert">
          {say(failure)}
        </p>
      )}
      <div className="button-row">
        <button type="button" className="button" data-opens="new" onClick={() => open('new')}>
          {t('services.add')}
        </button>
      </div>
      {data.services.length === 0 ? (
        <p>{t('services.none')}</p>
      ) : (
        <ol className="offer-list" data-testid="admin-services">
          {data.services.map((service, index) => {
            const name = localize(service.name);
            return (
              <li key={service.id} className="offer-list__item" data-testid={`admin-service-${service.slug}`}>
                <h2 className="offer-list__title" lang={name.lang}>
                  {name.text}
                  {service.archivedAt && <span className="offer-tag"> {t('services.archived')}</span>}
                </h2>
                <p className="muted">
                  {t('services.summary', { count: service.durationMinutes })}
                  {' · '}
                  {[service.bookable && t('services.bookable'), service.knockable && t('services.knockable')]
                    .filter(Boolean)
                    .join(', ')}
                  {service.onlineUrl && ` · ${t('services.hasOnline')}`}
                  {' · '}
                  {t(`service.kind.${service.channels}`)}
                </p>
                <div className="button-row">
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    data-opens={service.id}
                    onClick={() => open(service)}
                  >
                    {t('services.edit')}
                    <span className="visually-hidden"> {name.text}</span>
                  </button>
                  {!service.archivedAt && index > 0 && (
                    <button
                      type="button"
                      className="button button--small button--secondary"
                      data-moves={`${service.id}:up`}
                      onClick={() => move(index, -1)}
                    >
                      {t('services.up')}
                      <span className="visually-hidden"> {name.text}</span>
                    </button>
                  )}
                  {!service.archivedAt && index < live.length - 1 && (
                    <button
                      type="button"
                      className="button button--small button--secondary"
                      data-moves={`${service.id}:down`}
                      onClick={() => move(index, 1)}
                    >
                      {t('services.down')}
                      <span className="visually-hidden"> {name.text}</span>
                    </button>
                  )}
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    data-archives={service.id}
                    onClick={() => {
                      const archiving = !service.archivedAt;
                      void act(async () => {
                        await archiveService(refOf, service.id, archiving);
                        toggled.current = service.id;
                        setDone({ what: archiving ? 'archived' : 'restored', name: service.name });
                      });
                    }}
                  >
                    {service.archivedAt ? t('services.restore') : t('services.archive')}
                    <span className="visually-hidden"> {name.text}</span>
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

type ServiceErrorKey =
  | 'form'
  | 'slug'
  | 'name'
  | 'description'
  | 'durationMinutes'
  | 'extraMinutesPerPerson'
  | 'documents'
  | 'bookable'
  | 'maxPersons'
  | 'keywords'
  | 'onlineUrl'
  | 'channels';

interface Draft {
  slug: string;
  name: Record<string, string>;
  description: Record<string, string>;
  documents: Record<string, string>;
  keywords: Record<string, string>;
  durationMinutes: string;
  extraMinutesPerPerson: string;
  bookable: boolean;
  knockable: boolean;
  maxPersons: string;
  onlineUrl: string;
  channels: ServiceChannels;
}

function draftOf(service: AdminService | null, locales: string[]): Draft {
  const per = (pick: (locale: string) => string) => Object.fromEntries(locales.map((l) => [l, pick(l)]));
  return {
    slug: service?.slug ?? '',
    name: per((l) => service?.name[l] ?? ''),
    description: per((l) => service?.description?.[l] ?? ''),
    documents: per((l) => (service?.documents ?? []).map((d) => d[l] ?? '').join('\n')),
    keywords: per((l) => (service?.keywords[l] ?? []).join(', ')),
    durationMinutes: String(service?.durationMinutes ?? 15),
    extraMinutesPerPerson: String(service?.extraMinutesPerPerson ?? 0),
    bookable: service?.bookable ?? true,
    knockable: service?.knockable ?? true,
    maxPersons: service?.maxPersons ? String(service.maxPersons) : '',
    onlineUrl: service?.onlineUrl ?? '',
    channels: service?.channels ?? 'video',
  };
}

/** The texts of each language, German first; empty ones left out (German is required). */
function localized(values: Record<string, string>, locales: string[]) {
  return Object.fromEntries(locales.flatMap((l) => (values[l]?.trim() ? [[l, values[l].trim()]] : []))) as {
    de: string;
  } & Record<string, string>;
}

function toInput(draft: Draft, locales: string[]): CreateService {
  const lines = (l: string) => (draft.documents[l] ?? '').split('\n').map((line) => line.trim());
  const documentCount = Math.max(0, ...locales.map((l) => lines(l).filter(Boolean).length));
  const documents = Array.from({ length: documentCount }, (_, i) =>
    localized(Object.fromEntries(locales.map((l) => [l, lines(l).filter(Boolean)[i] ?? ''])), locales),
  );
  const description = localized(draft.description, locales);
  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  return {
    slug: draft.slug.trim(),
    name: localized(draft.name, locales),
    description: Object.keys(description).length > 0 ? description : null,
    durationMinutes: number(draft.durationMinutes),
    extraMinutesPerPerson: number(draft.extraMinutesPerPerson),
    documents,
    bookable: draft.bookable,
    knockable: draft.knockable,
    maxPersons: draft.maxPersons.trim() === '' ? null : number(draft.maxPersons),
    keywords: Object.fromEntries(
      locales.flatMap((l) => {
        const words = (draft.keywords[l] ?? '')
          .split(',')
          .map((w) => w.trim())
          .filter(Boolean);
        return words.length > 0 ? [[l, words]] : [];
      }),
    ),
    onlineUrl: draft.onlineUrl.trim() === '' ? null : draft.onlineUrl.trim(),
    channels: draft.channels,
  };
}

/** A slug from a German name: "Führungszeugnis beantragen" → "fuehrungszeugnis-beantragen". */
function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

function ServiceForm({
  refOf,
  locales,
  departmentMaxPersons,
  onsiteReady,
  service,
  onDone,
}: {
  refOf: DepartmentRef;
  locales: string[];
  departmentMaxPersons: number;
  onsiteReady: boolean;
  service: AdminService | null;
  /** Closes the form: with the saved service's name, or `null` when nothing was saved. */
  onDone: (saved: LocalizedText | null) => void;
}) {
  const { t } = useTranslation('offer');
  const languageName = (l: string) => t(`languages.${l}`, { defaultValue: l });
  const order = [
    'slug',
    ...locales.map((l) => `name.${l}`),
    ...locales.map((l) => `description.${l}`),
    'durationMinutes',
    'extraMinutesPerPerson',
    'documents',
    ...locales.slice(1).map((l) => `documents-${l}`),
    'bookable',
    'channels',
    'maxPersons',
    'keywords',
    ...locales.slice(1).map((l) => `keywords-${l}`),
    'onlineUrl',
  ];
  const fields = useFieldErrors<string>(order);
  const [opened] = useState<Draft>(() => draftOf(service, locales));
  const [draft, setDraft] = useState<Draft>(opened);
  // Changed since the form opened: leaving the page asks first (a save closes the form).
  const unsaved = JSON.stringify(draft) !== JSON.stringify(opened);
  useLeaveGuard(unsaved);
  const [slugTouched, setSlugTouched] = useState(Boolean(service));
  const restored = useKeptDraft(service ? `service-${service.id}` : 'service-new', unsaved, draft, (kept) => {
    // Texts only for the form's languages, each a text, over what the form opened with.
    const texts = (group: 'name' | 'description' | 'documents' | 'keywords') =>
      Object.fromEntries(
        locales.map((l) => {
          const value: unknown = kept[group][l];
          return [l, typeof value === 'string' ? value : (opened[group][l] ?? '')];
        }),
      );
    setDraft({
      ...kept,
      name: texts('name'),
      description: texts('description'),
      documents: texts('documents'),
      keywords: texts('keywords'),
      channels: (SERVICE_CHANNELS as readonly unknown[]).includes(kept.channels) ? kept.channels : opened.channels,
    });
    setSlugTouched(true);
  });
  const [failure, setFailure] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const refusal = useRefusal();
  const summaryRef = useRef<HTMLDivElement>(null);
  // The form replaces the list where the focus was: it starts at the form's heading.
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const messageFor = (field: string): Message => {
    const key = (field.split(/[.-]/)[0] ?? 'form') as ServiceErrorKey;
    return message((tr) => tr(`offer:service.errors.${key}`));
  };
  const show = (errors: FieldErrors<string>, problem: Message | null) => {
    refusal.clear();
    fields.setErrors(errors);
    setFailure(problem);
    requestAnimationFrame(() => summaryRef.current?.focus());
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = toInput(draft, locales);
    const parsed = service ? safeParse(ServiceInputSchema, input) : safeParse(CreateServiceSchema, input);
    if (!parsed.success) {
      const errors: FieldErrors<string> = {};
      for (const issue of parsed.error.issues) {
        const field = fields.fieldAt(issue.path.map(String).join('.')) ?? fields.fieldAt(`${String(issue.path[0])}.de`);
        if (field && !errors[field]) errors[field] = messageFor(field);
      }
      show(errors, Object.keys(errors).length === 0 ? message((tr) => tr('offer:service.errors.form')) : null);
      return;
    }
    setBusy(true);
    try {
      if (service) await updateService(refOf, service.id, input);
      else await createService(refOf, input);
      onDone(input.name);
    } catch (error) {
      const problem = toApiError(error);
      if (refusal.refused(problem)) {
        fields.setErrors({});
        setFailure(null);
        return;
      }
      const errors = fields.fromServer(problem, messageFor);
      show(errors, Object.keys(errors).length > 0 ? null : problemMessage(problem));
    } finally {
      setBusy(false);
    }
  };

  const setText = (group: 'name' | 'description' | 'documents' | 'keywords', locale: string, value: string) => {
    setDraft((d) => {
      const next = { ...d, [group]: { ...d[group], [locale]: value } };
      if (group === 'name' && locale === 'de' && !slugTouched) next.slug = slugOf(value);
      return next;
    });
  };

  return (
    <form noValidate onSubmit={(e) => void submit(e)} className="offer-form" data-testid="service-form">
      <h2 ref={headingRef} tabIndex={-1}>
        {service ? t('service.editTitle') : t('service.newTitle')}
      </h2>
      {refusal.notice}
      {restored}
      <ErrorSummary
        ref={summaryRef}
        fields={fields}
        failure={failure}
        failureTestId="service-failure"
        title={t('service.problems')}
        titleElement="h3"
      />
      {locales.map((l) => (
        <Field
          key={`name.${l}`}
          fields={fields}
          field={`name.${l}`}
          label={t('service.name', { language: languageName(l) })}
        >
          {(control) => (
            <input
              type="text"
              {...control}
              value={draft.name[l] ?? ''}
              onChange={(e) => setText('name', l, e.target.value)}
            />
          )}
        </Field>
      ))}
      {!service && (
        <Field fields={fields} field="slug" label={t('service.slug')} hint={t('service.slugHint')}>
          {(control) => (
            <input
              type="text"
              {...control}
              value={draft.slug}
              onChange={(e) => {
                setSlugTouched(true);
                setDraft((d) => ({ ...d, slug: e.target.value }));
              }}
            />
          )}
        </Field>
      )}
      {locales.map((l) => (
        <Field
          key={`description.${l}`}
          fields={fields}
          field={`description.${l}`}
          label={t('service.description', { language: languageName(l) })}
        >
          {(control) => (
            <textarea
              {...control}
              rows={3}
              value={draft.description[l] ?? ''}
              onChange={(e) => setText('description', l, e.target.value)}
            />
          )}
        </Field>
      ))}
      <Field fields={fields} field="durationMinutes" label={t('service.duration')}>
        {(control) => (
          <input
            type="number"
            inputMode="numeric"
            min={5}
            max={480}
            className="input--narrow"
            {...control}
            value={draft.durationMinutes}
            onChange={(e) => setDraft((d) => ({ ...d, durationMinutes: e.target.value }))}
          />
        )}
      </Field>
      <Field fields={fields} field="extraMinutesPerPerson" label={t('service.extra')} hint={t('service.extraHint')}>
        {(control) => (
          <input
            type="number"
            inputMode="numeric"
            min={0}
            max={240}
            className="input--narrow"
            {...control}
            value={draft.extraMinutesPerPerson}
            onChange={(e) => setDraft((d) => ({ ...d, extraMinutesPerPerson: e.target.value }))}
          />
        )}
      </Field>
      {locales.map((l, i) => (
        <Field
          key={`documents.${l}`}
          fields={fields}
          field={i === 0 ? 'documents' : `documents-${l}`}
          label={t('service.documents', { language: languageName(l) })}
          hint={i === 0 ? t('service.documentsHint') : undefined}
        >
          {(control) => (
            <textarea
              {...control}
              rows={3}
              value={draft.documents[l] ?? ''}
              onChange={(e) => setText('documents', l, e.target.value)}
            />
          )}
        </Field>
      ))}
      <fieldset className="field">
        <legend>{t('service.channels')}</legend>
        {fields.fieldError('bookable')}
        <label className="choice">
          <input
            id={fields.fieldId('bookable')}
            type="checkbox"
            checked={draft.bookable}
            aria-invalid={fields.invalid('bookable')}
            aria-describedby={fields.describedBy('bookable')}
            onChange={(e) => setDraft((d) => ({ ...d, bookable: e.target.checked }))}
          />
          {t('service.bookable')}
        </label>
        <label className="choice">
          <input
            type="checkbox"
            checked={draft.knockable}
            onChange={(e) => setDraft((d) => ({ ...d, knockable: e.target.checked }))}
          />
          {t('service.knockable')}
        </label>
      </fieldset>
      <fieldset
        className="field"
        id={fields.fieldId('channels')}
        aria-describedby={fields.describedBy('channels', 'service-kinds-hint')}
      >
        <legend>{t('service.kinds')}</legend>
        <p id="service-kinds-hint" className="field__hint">
          {onsiteReady ? t('service.kindsHint') : t('service.kindsNeedLocation')}
        </p>
        {fields.fieldError('channels')}
        {SERVICE_CHANNELS.map((channels) => (
          <label key={channels} className="choice">
            <input
              type="radio"
              name="service-channels"
              value={channels}
              checked={draft.channels === channels}
              onChange={() => setDraft((d) => ({ ...d, channels }))}
            />{' '}
            {t(`service.kind.${channels}`)}
          </label>
        ))}
      </fieldset>
      <Field
        fields={fields}
        field="maxPersons"
        label={t('service.maxPersons')}
        hint={t('service.maxPersonsHint', { count: departmentMaxPersons })}
      >
        {(control) => (
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={20}
            className="input--narrow"
            {...control}
            value={draft.maxPersons}
            onChange={(e) => setDraft((d) => ({ ...d, maxPersons: e.target.value }))}
          />
        )}
      </Field>
      {locales.map((l, i) => (
        <Field
          key={`keywords.${l}`}
          fields={fields}
          field={i === 0 ? 'keywords' : `keywords-${l}`}
          label={t('service.keywords', { language: languageName(l) })}
          hint={i === 0 ? t('service.keywordsHint') : undefined}
        >
          {(control) => (
            <input
              type="text"
              {...control}
              value={draft.keywords[l] ?? ''}
              onChange={(e) => setText('keywords', l, e.target.value)}
            />
          )}
        </Field>
      ))}
      <Field fields={fields} field="onlineUrl" label={t('service.onlineUrl')} hint={t('service.onlineUrlHint')}>
        {(control) => (
          <input
            type="url"
            inputMode="url"
            {...control}
            value={draft.onlineUrl}
            onChange={(e) => setDraft((d) => ({ ...d, onlineUrl: e.target.value }))}
          />
        )}
      </Field>
      <div className="button-row">
        <button type="submit" className="button" disabled={busy}>
          {t('service.save')}
        </button>
        <button type="button" className="button button--secondary" onClick={() => onDone(null)}>
          {t('service.cancel')}
        </button>
      </div>
    </form>
  );
}
