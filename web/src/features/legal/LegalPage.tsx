import { pagePath, type TenantTextKind, type TenantTextResponse } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { useParams } from '../../lib/router';
import { useLocalize } from '../../lib/useLocalize';
import { Breadcrumbs } from '../../ui/Breadcrumbs';
import { LoadStateView } from '../../ui/LoadStateView';
import { PageHeading } from '../../ui/PageHeading';
import { useTenantText } from './api';
import { FeedbackForm } from './FeedbackForm';
import { PlainText } from './PlainText';

/** A municipality's Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit or FAQ. */
export function LegalPage({ kind }: { kind: TenantTextKind }) {
  const { tenant = '' } = useParams();
  const state = useTenantText(tenant, kind);
  return <LoadStateView state={state}>{(data) => <LegalContent data={data} />}</LoadStateView>;
}

function LegalContent({ data }: { data: TenantTextResponse }) {
  const { t, i18n } = useTranslation('legal');
  const localize = useLocalize();
  const title = t(`pages.${data.kind}.title`);
  const body = data.text ? localize(data.text) : null;
  // The FAQ of the visitor's language, each language its own list; German where theirs has none.
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const own = data.faq?.[locale];
  const faq = data.faq ? { items: own ?? data.faq.de ?? [], lang: own ? undefined : 'de' } : null;
  return (
    <article className="legal-page" data-testid={`legal-${data.kind}`}>
      <Breadcrumbs
        items={[{ label: data.tenant.name, to: pagePath('tenant', { tenant: data.tenant.slug }) }, { label: title }]}
      />
      <PageHeading title={`${title} – ${data.tenant.name}`}>{title}</PageHeading>
      <p className="legal-page__tenant">{data.tenant.name}</p>
      {body && <PlainText text={body.text} lang={body.lang} />}
      {faq &&
        (faq.items.length === 0 ? (
          <p>{t('faq.empty')}</p>
        ) : (
          faq.items.map((entry, index) => (
            <section key={index} aria-labelledby={`faq-${index}`} className="faq-entry">
              <h2 id={`faq-${index}`} lang={faq.lang}>
                {entry.question}
              </h2>
              <PlainText text={entry.answer} lang={faq.lang} />
            </section>
          ))
        ))}
      {data.kind === 'accessibility' && <FeedbackForm tenant={data.tenant} feedback={data.feedback} />}
    </article>
  );
}
