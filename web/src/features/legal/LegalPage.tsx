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
  const { t } = useTranslation('legal');
  const localize = useLocalize();
  const title = t(`pages.${data.kind}.title`);
  const body = data.text ? localize(data.text) : null;
  return (
    <article className="legal-page" data-testid={`legal-${data.kind}`}>
      <Breadcrumbs
        items={[{ label: data.tenant.name, to: pagePath('tenant', { tenant: data.tenant.slug }) }, { label: title }]}
      />
      <PageHeading title={`${title} – ${data.tenant.name}`}>{title}</PageHeading>
      <p className="legal-page__tenant">{data.tenant.name}</p>
      {body && <PlainText text={body.text} lang={body.lang} />}
      {data.faq &&
        (data.faq.length === 0 ? (
          <p>{t('faq.empty')}</p>
        ) : (
          data.faq.map((entry, index) => {
            const question = localize(entry.question);
            const answer = localize(entry.answer);
            return (
              <section key={index} aria-labelledby={`faq-${index}`} className="faq-entry">
                <h2 id={`faq-${index}`} lang={question.lang}>
                  {question.text}
                </h2>
                <PlainText text={answer.text} lang={answer.lang} />
              </section>
            );
          })
        ))}
      {data.kind === 'accessibility' && <FeedbackForm tenant={data.tenant} feedback={data.feedback} />}
    </article>
  );
}
