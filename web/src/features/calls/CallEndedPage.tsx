import { pagePath } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from '../../lib/router';
import { useLoad } from '../../lib/useLoad';
import { useLocalize } from '../../lib/useLocalize';
import { PageHeading } from '../../ui/PageHeading';
import { ContactDetails, loadDepartment } from '../directory';
import { loadOwnVisit } from '../visits';
import type { CallEndedState } from './call-ended-state';
import './call.css';

/**
 * `/call/:visitId/ended`: what happens next, and ways to follow up: booking an appointment,
 * knocking again at the same department, or its contact details. Invitees get a short goodbye.
 */
export function CallEndedPage() {
  const { t } = useTranslation('calls');
  const state = useLocation().state as Partial<CallEndedState> | null;
  if (state?.role === 'clerk') {
    return (
      <div className="call-ended" data-testid="call-ended" data-role="clerk">
        <PageHeading title={t('ended.title')}>{t('ended.clerkHeading')}</PageHeading>
        <p className="lead">{t('ended.clerkText')}</p>
        <ul className="link-list">
          <li>
            <Link to={pagePath('staffHome')}>{t('ended.toStaff')}</Link>
          </li>
        </ul>
      </div>
    );
  }
  if (state?.role === 'interpreter' || state?.role === 'guest') {
    return (
      <div className="call-ended" data-testid="call-ended" data-role={state.role}>
        <PageHeading title={t('ended.title')}>{t('ended.heading')}</PageHeading>
        <p className="lead">{t('ended.inviteeThanks')}</p>
        <ul className="link-list">
          <li>
            <Link to={pagePath('home')}>{t('ended.home')}</Link>
          </li>
        </ul>
      </div>
    );
  }
  return <CitizenClosing />;
}

function CitizenClosing() {
  const { t } = useTranslation('calls');
  const localize = useLocalize();
  // The citizen's department, for the ways to follow up. Without a visit (another browser, or
  // the cookie deleted) or when loading fails, the page stands without those links.
  const state = useLoad('closing-department', (signal) =>
    loadOwnVisit(signal).then((visit) =>
      visit ? loadDepartment(visit.tenantSlug, visit.departmentSlug, signal) : null,
    ),
  );
  const department = state.status === 'success' ? state.data : null;

  const name = department ? localize(department.department.name) : null;
  return (
    <div className="call-ended" data-testid="call-ended" data-role="citizen">
      <PageHeading title={t('ended.title')}>{t('ended.heading')}</PageHeading>
      <p className="lead">{t('ended.thanks')}</p>
      <section aria-labelledby="ended-next">
        <h2 id="ended-next">{t('ended.nextHeading')}</h2>
        <p>{t('ended.next')}</p>
      </section>
      <section aria-labelledby="ended-follow-up">
        <h2 id="ended-follow-up">{t('ended.followUpHeading')}</h2>
        <p>{t('ended.followUp')}</p>
        <ul className="link-list">
          {department && name && (
            <li>
              <Link
                to={pagePath('department', { tenant: department.tenant.slug, department: department.department.slug })}
                data-testid="knock-again"
              >
                {t('ended.knockAgain', { department: name.text })}
              </Link>
            </li>
          )}
          {department && name && (
            <li>
              <Link
                to={pagePath('booking', { tenant: department.tenant.slug, department: department.department.slug })}
                data-testid="book-appointment"
              >
                {t('ended.book', { department: name.text })}
              </Link>
            </li>
          )}
          <li>
            <Link to={pagePath('home')}>{t('ended.home')}</Link>
          </li>
        </ul>
        {department && (
          <>
            <h3>{t('ended.contactHeading')}</h3>
            <ContactDetails contact={department.department.contact} />
          </>
        )}
      </section>
    </div>
  );
}
