import type { DepartmentResponse } from '@amtsraum/shared';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { PageHeading } from '../app/PageHeading';
import { ContactDetails } from '../features/directory/ContactDetails';
import { useLocalize } from '../features/directory/useLocalize';
import { loadDepartment, loadOwnVisit } from './api';
import type { CallEndedState } from './CallPage';
import './call.css';

/**
 * `/call/:visitId/ended`: what happens next, and ways to follow up: booking an appointment,
 * knocking again at the same department, or its contact details. Invitees get a short goodbye.
 */
export function CallEndedPage() {
  const { t } = useTranslation('call');
  const state = useLocation().state as Partial<CallEndedState> | null;
  if (state?.role === 'clerk') {
    return (
      <div className="call-ended" data-testid="call-ended" data-role="clerk">
        <PageHeading title={t('ended.title')}>{t('ended.clerkHeading')}</PageHeading>
        <p className="lead">{t('ended.clerkText')}</p>
        <ul className="link-list">
          <li>
            <Link to="/staff">{t('ended.toStaff')}</Link>
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
            <Link to="/">{t('ended.home')}</Link>
          </li>
        </ul>
      </div>
    );
  }
  return <CitizenClosing />;
}

function CitizenClosing() {
  const { t } = useTranslation('call');
  const localize = useLocalize();
  const [department, setDepartment] = useState<DepartmentResponse | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    loadOwnVisit(controller.signal)
      .then(({ visit }) => loadDepartment(visit.tenantSlug, visit.departmentSlug, controller.signal))
      .then(setDepartment, () => {
        // No visit cookie any more (another browser, or deleted): the page still stands without it.
      });
    return () => {
      controller.abort();
    };
  }, []);

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
              <Link to={`/${department.tenant.slug}/${department.department.slug}`} data-testid="knock-again">
                {t('ended.knockAgain', { department: name.text })}
              </Link>
            </li>
          )}
          {department && name && (
            <li>
              <Link
                to={`/${department.tenant.slug}/${department.department.slug}/termin`}
                data-testid="book-appointment"
              >
                {t('ended.book', { department: name.text })}
              </Link>
            </li>
          )}
          <li>
            <Link to="/">{t('ended.home')}</Link>
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
