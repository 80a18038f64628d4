import {
  LEGAL_TEXT_MAX_LENGTH,
  pagePath,
  UpdateFaqRequestSchema,
  UpdatePageTextRequestSchema,
  type AdminTenantText,
  type AdminTenantTextsResponse,
  type FaqItem,
  type TenantTextKind,
} from '@amtsraum/shared';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError, type ApiError } from '../../lib/api';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { Link, useParams } from '../../lib/router';
import { keepWhileReloading, useLoad } from '../../lib/useLoad';
import { useLanguageLabel } from '../../ui/LanguageOptions';
import { NoRight, ToSignIn, useRefusal } from '../../ui/LostRight';
import { useKeptDraft, useLeaveGuard } from '../../ui/useLeaveGuard';
import { useFieldErrors, type FieldErrors } from '../../ui/forms';
import { PageHeading } from '../../ui/PageHeading';
import { NotFoundOr } from '../directory';
import { loadAdminTexts, resetText, saveText } from './api';

type Texts = Record<string, string>;

/** Administration (issue 15): the municipality's legal pages and FAQ, per offered language. */
export function AdminTextsPage() {
  const { tenant = '' } = useParams();
  const { t } = useTranslation('legal');
  // Kept on screen while a save or reset reloads: the "saved" notice and the focus stay, and the
  // line above each text says whose text the citizens now see.
  const state = keepWhileReloading(useLoad(`admin-texts:${tenant}`, (signal) => loadAdminTexts(tenant, signal)));
  if (state.status === 'loading') return <p>{t('admin.loading')}</p>;
  if (state.status === 'error') return <AdminLoadError error={state.error} />;
  return <AdminTexts tenant={tenant} data={state.data} reload={state.reload} />;
}

function AdminLoadError({ error }: { error: ApiError }) {
  const { t } = useTranslation('legal');
  const say = useSay();
  if (error.code === 'unauthorized') return <ToSignIn />;
  return (
    <NotFoundOr refused={error.code === 'forbidden'}>
      <PageHeading title={t('admin.title')} />
      {error.code === 'forbidden' ? (
        <NoRight reason="admin" testId="admin-forbidden" />
      ) : (
        <p role="alert">{say(problemMessage(error))}</p>
      )}
      {error.code === 'second_factor_required' && <Link to="/staff/security">{t('admin.secondFactor')}</Link>}
    </NotFoundOr>
  );
}

function AdminTexts({ tenant, data, reload }: { tenant: string; data: AdminTenantTextsResponse; reload: () => void }) {
  const { t } = useTranslation('legal');
  return (
    <>
      <PageHeading title={t('admin.title')} />
      <p>
        <Link to={pagePath('adminTenant', { tenant })}>{t('admin.back')}</Link>
      </p>
      <p>{t('admin.intro')}</p>
      {data.texts.map((text) =>
        text.kind === 'faq' ? (
          <FaqEditor key={text.kind} tenant={tenant} text={text} locales={data.locales} reload={reload} />
        ) : (
          <PageEditor key={text.kind} tenant={tenant} text={text} locales={data.locales} reload={reload} />
        ),
      )}
    </>
  );
}

const checkFields = message((t) => t('legal:admin.checkFields'));
const notValid = message((t) => t('errors:codes.validation_failed'));

/** The most characters of each kind of field (shared/src/legal.api.ts). */
const MAX_LENGTH = { text: LEGAL_TEXT_MAX_LENGTH, question: 300, answer: 4000 } as const;

/**
 * Errors next to the text fields, by their schema paths (`text.de`, `faq.en.0.question`), in the
 * page's own words: German missing, or too long. `show` marks them, focuses the first and says
 * whether any path was a field of this form.
 */
function useTextErrors(order: string[], valueAt: (field: string) => string) {
  const fields = useFieldErrors<string>(order);
  const show = (paths: string[]): boolean => {
    const found: FieldErrors<string> = {};
    for (const path of paths) {
      const field = fields.fieldAt(path);
      if (!field || found[field]) continue;
      const part = (field.split('.').find((name) => name in MAX_LENGTH) ?? 'text') as keyof typeof MAX_LENGTH;
      found[field] =
        valueAt(field).trim() === ''
          ? message((t) => t(`legal:admin.errors.${part}Required`))
          : message((t) => t('legal:admin.errors.tooLong', { max: MAX_LENGTH[part] }));
    }
    fields.setErrors(found);
    const first = order.find((field) => found[field]);
    if (first) document.getElementById(fields.fieldId(first))?.focus();
    return first !== undefined;
  };
  return { fields, show };
}

const issuePaths = (issues: readonly { path: readonly PropertyKey[] }[]) =>
  issues.map((issue) => issue.path.map(String).join('.'));

function useSaving() {
  const say = useSay();
  const [status, setStatus] = useState<Message | null>(null);
  const [failed, setFailed] = useState(false);
  const refusal = useRefusal();
  const fail = (why: Message) => {
    setFailed(true);
    setStatus(why);
  };
  /** Saves; the server's complaints about single fields go to `onFields`, to show beside them. */
  const run = async (work: () => Promise<void>, done: Message, onFields?: (paths: string[]) => boolean) => {
    refusal.clear();
    try {
      await work();
      setFailed(false);
      setStatus(done);
    } catch (error) {
      const apiError = toApiError(error);
      if (refusal.refused(apiError)) {
        setFailed(false);
        setStatus(null);
        return;
      }
      const paths = (apiError.extras.fieldErrors ?? []).map((field) => field.path);
      fail(paths.length > 0 && onFields?.(paths) ? checkFields : problemMessage(apiError));
    }
  };
  const line = (
    <p role={failed ? 'alert' : 'status'} className={status ? (failed ? 'form-failure' : 'notice') : 'visually-hidden'}>
      {status && say(status)}
    </p>
  );
  const view = (
    <>
      {refusal.notice}
      {line}
    </>
  );
  return { run, fail, view };
}

/**
 * One page's text per language. A language the municipality has not written shows the default in
 * its field, and stays the default (following the default's later changes) until the admin
 * changes that field: saving sends only the languages that differ from the default.
 */
function PageEditor({
  tenant,
  text,
  locales,
  reload,
}: {
  tenant: string;
  text: AdminTenantText;
  locales: string[];
  reload: () => void;
}) {
  const { t } = useTranslation('legal');
  const languageName = useLanguageLabel();
  const id = useId();
  const kind = text.kind as Exclude<TenantTextKind, 'faq'>;
  const defaults: Texts = text.defaultText ?? {};
  const [values, setValues] = useState<Texts>(() => ({ ...defaults, ...(text.text ?? {}) }));
  // The texts as last saved (or loaded): typed otherwise, leaving the page asks first.
  const [savedValues, setSavedValues] = useState(values);
  const unsaved = locales.some((locale) => !sameText(values[locale] ?? '', savedValues[locale] ?? ''));
  useLeaveGuard(unsaved);
  const restored = useKeptDraft(`text-${kind}`, unsaved, values, setValues);
  const isOwn = (locale: string) => (values[locale] ?? '') !== (defaults[locale] ?? '');
  const saveRef = useRef<HTMLButtonElement>(null);
  const { run, fail, view } = useSaving();
  const { fields, show } = useTextErrors(
    locales.map((locale) => `text.${locale}`),
    (field) => values[field.slice('text.'.length)] ?? '',
  );
  const title = t(`pages.${kind}.title`);
  const save = () => {
    const own = Object.fromEntries(locales.filter(isOwn).map((locale) => [locale, values[locale] ?? '']));
    // An own field left empty would show the default after saving, unasked: said at the field.
    const empty = locales.filter((locale) => isOwn(locale) && (values[locale] ?? '').trim() === '');
    const parsed = UpdatePageTextRequestSchema.safeParse({ text: own });
    if (empty.length > 0 || !parsed.success) {
      const paths = [
        ...empty.map((locale) => `text.${locale}`),
        ...(parsed.error ? issuePaths(parsed.error.issues) : []),
      ];
      fail(show(paths) ? checkFields : notValid);
      return;
    }
    fields.setErrors({});
    const sent = values;
    void run(
      async () => {
        await saveText(tenant, kind, parsed.data);
        setSavedValues(sent);
        reload();
      },
      savedMessage,
      show,
    );
  };
  return (
    <section aria-labelledby={`${id}-heading`} className="admin-text" data-testid={`admin-text-${kind}`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      <p>{text.isDefault ? t('admin.isDefault') : t('admin.isOwn')}</p>
      {restored}
      {locales.map((locale) => {
        const field = `text.${locale}`;
        const language = languageName(locale);
        const stateId = `${id}-${locale}-state`;
        return (
          <div className="field" key={locale} data-testid={`admin-text-${kind}-${locale}`}>
            <label htmlFor={fields.fieldId(field)}>{t('admin.textIn', { language })}</label>
            <p id={stateId} className="field__hint">
              {isOwn(locale) ? t('admin.languageOwn', { language }) : t('admin.languageDefault', { language })}
            </p>
            {fields.fieldError(field)}
            <textarea
              id={fields.fieldId(field)}
              aria-invalid={fields.invalid(field)}
              aria-describedby={fields.describedBy(field, stateId)}
              rows={10}
              value={values[locale] ?? ''}
              onChange={(event) => {
                setValues((previous) => ({ ...previous, [locale]: event.target.value }));
              }}
            />
            {isOwn(locale) && defaults[locale] !== undefined && (
              <button
                type="button"
                className="button"
                onClick={() => {
                  setValues((previous) => ({ ...previous, [locale]: defaults[locale] ?? '' }));
                  fields.setErrors({});
                }}
              >
                {t('admin.useDefaultIn', { language })}
              </button>
            )}
          </div>
        );
      })}
      <p className="field__hint">{t('admin.format')}</p>
      <div className="button-row">
        <button ref={saveRef} type="button" className="button button--primary" onClick={save}>
          {t('admin.save', { title })}
        </button>
        {!text.isDefault && (
          <button
            type="button"
            className="button"
            onClick={() =>
              void run(async () => {
                await resetText(tenant, kind);
                setValues({ ...defaults });
                setSavedValues({ ...defaults });
                saveRef.current?.focus(); // the reset button goes: not <body>
                reload();
              }, resetMessage)
            }
          >
            {t('admin.reset', { title })}
          </button>
        )}
      </div>
      {view}
    </section>
  );
}

const savedMessage: Message = { say: (t) => t('legal:admin.saved') };
const resetMessage: Message = { say: (t) => t('legal:admin.wasReset') };

/** The FAQ of each language, as a list of questions and answers. */
type FaqLists = Record<string, FaqItem[]>;

const sameText = (a: string, b: string) => a.replace(/\r\n?/g, '\n').trim() === b.trim();
const sameList = (list: readonly FaqItem[], other: readonly FaqItem[] | undefined) =>
  other !== undefined &&
  list.length === other.length &&
  list.every((item, i) => sameText(item.question, other[i]!.question) && sameText(item.answer, other[i]!.answer));

/**
 * The FAQ, a list of questions per language. A language the municipality has not written shows
 * the default list, and stays the default (following the default's later changes) until the admin
 * changes it: saving sends only the languages whose list differs from the default's.
 */
function FaqEditor({
  tenant,
  text,
  locales,
  reload,
}: {
  tenant: string;
  text: AdminTenantText;
  locales: string[];
  reload: () => void;
}) {
  const { t } = useTranslation('legal');
  const languageName = useLanguageLabel();
  const id = useId();
  const defaults: FaqLists = text.defaultFaq ?? {};
  const [lists, setLists] = useState<FaqLists>(() => ({ ...defaults, ...(text.faq ?? {}) }));
  // The lists as last saved (or loaded): changed otherwise, leaving the page asks first.
  const [savedLists, setSavedLists] = useState(lists);
  const unsaved = locales.some((locale) => !sameList(lists[locale] ?? [], savedLists[locale] ?? []));
  useLeaveGuard(unsaved);
  // Each kept entry checked as the form's own: a question and an answer, both text.
  const restored = useKeptDraft('faq', unsaved, lists, (kept) => {
    const isItem = (item: unknown): item is FaqItem =>
      typeof item === 'object' &&
      item !== null &&
      typeof (item as FaqItem).question === 'string' &&
      typeof (item as FaqItem).answer === 'string';
    setLists(
      Object.fromEntries(
        Object.entries(kept).map(([locale, list]) => [locale, Array.isArray(list) ? list.filter(isItem) : []]),
      ),
    );
  });
  const isOwn = (locale: string) => !sameList(lists[locale] ?? [], defaults[locale]);
  const addRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const saveRef = useRef<HTMLButtonElement>(null);
  const { run, fail, view } = useSaving();
  const fieldOf = (locale: string, index: number, part: 'question' | 'answer') => `faq.${locale}.${index}.${part}`;
  const { fields, show } = useTextErrors(
    locales.flatMap((locale) =>
      (lists[locale] ?? []).flatMap((_item, index) => [
        fieldOf(locale, index, 'question'),
        fieldOf(locale, index, 'answer'),
      ]),
    ),
    (field) => {
      const [, locale = '', index, part] = field.split('.') as [string, string, string, 'question' | 'answer'];
      return lists[locale]?.[Number(index)]?.[part] ?? '';
    },
  );
  const setList = (locale: string, change: (list: FaqItem[]) => FaqItem[]) => {
    setLists((previous) => ({ ...previous, [locale]: change(previous[locale] ?? []) }));
  };
  const save = () => {
    const own = Object.fromEntries(locales.filter(isOwn).map((locale) => [locale, lists[locale] ?? []]));
    const parsed = UpdateFaqRequestSchema.safeParse({ faq: own });
    if (!parsed.success) {
      fail(show(issuePaths(parsed.error.issues)) ? checkFields : notValid);
      return;
    }
    fields.setErrors({});
    const sent = lists;
    void run(
      async () => {
        await saveText(tenant, 'faq', parsed.data);
        setSavedLists(sent);
        reload();
      },
      savedMessage,
      show,
    );
  };
  const change = (locale: string, index: number, part: 'question' | 'answer', value: string) => {
    setList(locale, (list) => list.map((item, i) => (i === index ? { ...item, [part]: value } : item)));
  };
  const move = (locale: string, index: number, by: number) => {
    // The marks follow the fields' places, not the entries: they would point at the wrong ones.
    fields.setErrors({});
    setList(locale, (list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      if (item) next.splice(index + by, 0, item);
      return next;
    });
  };
  return (
    <section aria-labelledby={`${id}-heading`} className="admin-text" data-testid="admin-text-faq">
      <h2 id={`${id}-heading`}>{t('pages.faq.title')}</h2>
      <p>{text.isDefault ? t('admin.isDefault') : t('admin.isOwn')}</p>
      {restored}
      {locales.map((locale) => {
        const language = languageName(locale);
        const list = lists[locale] ?? [];
        const stateId = `${id}-${locale}-state`;
        return (
          <section
            key={locale}
            aria-labelledby={`${id}-${locale}-heading`}
            aria-describedby={stateId}
            data-testid={`admin-text-faq-${locale}`}
          >
            <h3 id={`${id}-${locale}-heading`}>{t('admin.faqIn', { language })}</h3>
            <p id={stateId} className="field__hint">
              {isOwn(locale) ? t('admin.languageOwn', { language }) : t('admin.languageDefault', { language })}
            </p>
            <ol>
              {list.map((item, index) => {
                const entry = { number: index + 1, language };
                return (
                  <li key={index}>
                    <fieldset>
                      <legend>{t('admin.faqEntry', entry)}</legend>
                      <div className="field">
                        <label htmlFor={fields.fieldId(fieldOf(locale, index, 'question'))}>
                          {t('admin.question')}
                        </label>
                        {fields.fieldError(fieldOf(locale, index, 'question'))}
                        <input
                          id={fields.fieldId(fieldOf(locale, index, 'question'))}
                          aria-invalid={fields.invalid(fieldOf(locale, index, 'question'))}
                          aria-describedby={fields.describedBy(fieldOf(locale, index, 'question'))}
                          type="text"
                          maxLength={300}
                          value={item.question}
                          onChange={(event) => {
                            change(locale, index, 'question', event.target.value);
                          }}
                        />
                      </div>
                      <div className="field">
                        <label htmlFor={fields.fieldId(fieldOf(locale, index, 'answer'))}>{t('admin.answer')}</label>
                        {fields.fieldError(fieldOf(locale, index, 'answer'))}
                        <textarea
                          id={fields.fieldId(fieldOf(locale, index, 'answer'))}
                          aria-invalid={fields.invalid(fieldOf(locale, index, 'answer'))}
                          aria-describedby={fields.describedBy(fieldOf(locale, index, 'answer'))}
                          rows={4}
                          maxLength={4000}
                          value={item.answer}
                          onChange={(event) => {
                            change(locale, index, 'answer', event.target.value);
                          }}
                        />
                      </div>
                      <div className="button-row">
                        <button
                          type="button"
                          className="button"
                          disabled={index === 0}
                          onClick={() => move(locale, index, -1)}
                        >
                          {t('admin.up', entry)}
                        </button>
                        <button
                          type="button"
                          className="button"
                          disabled={index === list.length - 1}
                          onClick={() => move(locale, index, 1)}
                        >
                          {t('admin.down', entry)}
                        </button>
                        <button
                          type="button"
                          className="button"
                          onClick={() => {
                            fields.setErrors({});
                            setList(locale, (previous) => previous.filter((_item, i) => i !== index));
                            // The next question moves up under the focus; after the last one, the focus goes to
                            // the question before it, or to "add question" once none is left.
                            if (index === list.length - 1) {
                              const field = index > 0 ? fieldOf(locale, index - 1, 'question') : null;
                              requestAnimationFrame(() =>
                                (field
                                  ? document.getElementById(fields.fieldId(field))
                                  : addRefs.current[locale]
                                )?.focus(),
                              );
                            }
                          }}
                        >
                          {t('admin.remove', entry)}
                        </button>
                      </div>
                    </fieldset>
                  </li>
                );
              })}
            </ol>
            <div className="button-row">
              <button
                ref={(button) => {
                  addRefs.current[locale] = button;
                }}
                type="button"
                className="button"
                onClick={() => {
                  setList(locale, (previous) => [...previous, { question: '', answer: '' }]);
                }}
              >
                {t('admin.add', { language })}
              </button>
              {isOwn(locale) && defaults[locale] !== undefined && (
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    fields.setErrors({});
                    setLists((previous) => ({ ...previous, [locale]: defaults[locale] ?? [] }));
                  }}
                >
                  {t('admin.useDefaultIn', { language })}
                </button>
              )}
            </div>
          </section>
        );
      })}
      <div className="button-row">
        <button ref={saveRef} type="button" className="button button--primary" onClick={save}>
          {t('admin.save', { title: t('pages.faq.title') })}
        </button>
        {!text.isDefault && (
          <button
            type="button"
            className="button"
            onClick={() =>
              void run(async () => {
                await resetText(tenant, 'faq');
                setLists({ ...defaults });
                setSavedLists({ ...defaults });
                saveRef.current?.focus(); // the reset button goes: not <body>
                reload();
              }, resetMessage)
            }
          >
            {t('admin.reset', { title: t('pages.faq.title') })}
          </button>
        )}
      </div>
      {view}
    </section>
  );
}
