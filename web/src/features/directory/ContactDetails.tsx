import type { Contact } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';

export function ContactDetails({ contact }: { contact: Contact }) {
  const { t } = useTranslation('directory');
  const { phone, email, address, room } = contact;
  if (!phone && !email && !address && !room) return <p>{t('department.noContact')}</p>;
  return (
    <dl className="contact" data-testid="contact">
      {phone && (
        <div>
          <dt>{t('department.phone')}</dt>
          <dd>
            <a href={`tel:${phone.replace(/[^\d+]/g, '')}`}>{phone}</a>
          </dd>
        </div>
      )}
      {email && (
        <div>
          <dt>{t('department.email')}</dt>
          <dd>
            <a href={`mailto:${email}`}>{email}</a>
          </dd>
        </div>
      )}
      {address && (
        <div>
          <dt>{t('department.address')}</dt>
          <dd className="contact__address">{address}</dd>
        </div>
      )}
      {room && (
        <div>
          <dt>{t('department.room')}</dt>
          <dd>{room}</dd>
        </div>
      )}
    </dl>
  );
}
