import type { LocalizedText, Service } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { useLocalize } from '../../lib/useLocalize';
import { DocumentList } from '../../ui/DocumentList';

/**
 * Services with their duration and, for each, the documents to bring; for on-site services
 * (issue 16) also where to come. `onsiteLocation`: the department's place, if it has one.
 */
export function ServiceList({
  services,
  onsiteLocation,
}: {
  services: Service[];
  onsiteLocation?: LocalizedText | null;
}) {
  const { t } = useTranslation('directory');
  const localize = useLocalize();

  if (services.length === 0) return <p>{t('department.noServices')}</p>;
  return (
    <ul className="service-list">
      {services.map((service) => {
        const name = localize(service.name);
        const description = service.description ? localize(service.description) : null;
        // Older servers leave the kind out: video, as before issue 16.
        const kind = service.channels ?? 'video';
        const place = kind !== 'video' && onsiteLocation ? localize(onsiteLocation) : null;
        const channels = [
          service.knockable ? t('department.knockable') : null,
          service.bookable ? t('department.bookable', { context: kind }) : null,
        ].filter((channel) => channel !== null);
        return (
          <li key={service.slug} className="service" data-testid={`service-${service.slug}`}>
            <h3 lang={name.lang}>{name.text}</h3>
            {description && <p lang={description.lang}>{description.text}</p>}
            <p className="service__meta">
              {t('department.duration', { count: service.durationMinutes })}
              {service.extraMinutesPerPerson > 0 &&
                `, ${t('department.extraPerPerson', { count: service.extraMinutesPerPerson })}`}
            </p>
            {channels.length > 0 && (
              <p className="service__meta">
                {t('department.channels')}: {channels.join(', ')}
              </p>
            )}
            {place && (
              <p className="service__meta" data-testid="service-place">
                {t('department.onsitePlace')}: <span lang={place.lang}>{place.text}</span>
              </p>
            )}
            {service.onlineUrl && (
              <p>
                <a href={service.onlineUrl} rel="noopener noreferrer" data-testid="online-link">
                  {t('department.onlineApply')}
                  <span className="visually-hidden"> ({name.text})</span>
                </a>
              </p>
            )}
            <h4>{t('department.documentsHeading')}</h4>
            {service.documents.length === 0 ? (
              <p>{t('department.noDocuments')}</p>
            ) : (
              <DocumentList documents={service.documents} className="documents" testId="documents" />
            )}
          </li>
        );
      })}
    </ul>
  );
}
