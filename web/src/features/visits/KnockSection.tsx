import { pagePath } from '@amtsraum/shared';
import { useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router';
import type { ApiError } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { message, problemMessage, type Message, type Translate } from '../../lib/message';
import { useLiveVisit } from '../../lib/useLive';
import { useDepartmentPhrase } from '../../lib/useLocalize';
import { formatClock, formatDay } from '../../ui/format';
import { ContactDetails, type DoorContext } from '../directory';
import { KnockForm } from './KnockForm';

/**
 * The way in on a department's page: the knock form, a link to the waiting room, or why knocking
 * is not possible now.
 */
export function KnockSection({ tenantSlug, departmentSlug, timeZone, door, services, contact }: DoorContext) {
  const { t } = useTranslation('visits');
  const phrase = useDepartmentPhrase();
  const locale = currentLocale();
  const visit = useLiveVisit();
  const canKnock = door?.canKnock;
  // The form is there from the first moment knocking was possible on this page, then kept (hidden
  // while it is not): a door closed all along does not load the form and the words it needs.
  const [formShown, setFormShown] = useState(false);
  if (canKnock && !formShown) setFormShown(true);
  // The focus was in the part just hidden (a field of the form, or the notice's heading): it goes
  // to the heading of the part now shown, which says why knocking is not possible, or that it is
  // again. Before the browser moves a hidden element's focus to the page, hence a layout effect.
  const wayIn = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (document.activeElement?.closest('[hidden]'))
      wayIn.current?.querySelector<HTMLElement>('section:not([hidden]) h2')?.focus();
  }, [canKnock]);

  // "Nächste Öffnung: …" in the tenant's zone; for a refused knock worded when shown (a Message),
  // so a language switch reaches it.
  const nextWords = (tr: Translate, at: string | Date, lang: string = locale) => {
    const next = new Date(at);
    return tr('visits:unavailable.nextOpening', {
      date: formatDay(next, lang, timeZone),
      time: formatClock(next, lang, timeZone),
    });
  };
  const describeFailure = (error: ApiError): Message =>
    message((tr, lang) => {
      const text = problemMessage(error).say(tr, lang);
      return error.nextOpening ? `${text} ${nextWords(tr, error.nextOpening, lang)}` : text;
    });

  // Wait for the live answers before offering the form, so a waiting citizen never sees it.
  if (visit.status === 'unknown' || !door) return null;

  if (visit.visit && ['waiting', 'admitted', 'in_call'].includes(visit.visit.state)) {
    const own = visit.visit;
    const at = phrase({ name: own.departmentName, nameForms: own.departmentNameForms }, 'at');
    return (
      <section aria-labelledby="knock-active-heading" className="panel panel--notice" data-testid="active-visit">
        <h2 id="knock-active-heading">{t('active.heading')}</h2>
        <p>{own.state === 'waiting' ? t('active.text', { at }) : t('active.admitted')}</p>
        <p>
          <Link
            className="button button--primary"
            to={pagePath('waitingRoom', { tenant: own.tenantSlug, department: own.departmentSlug })}
          >
            {t('active.link')}
          </Link>
        </p>
      </section>
    );
  }

  const reason =
    door.state !== 'closed' && door.unattended
      ? 'unattended'
      : door.queueFull
        ? 'queueFull'
        : door.state === 'paused'
          ? 'paused'
          : 'closed';
  const next = door.state === 'closed' && door.nextOpening && nextWords(t as Translate, door.nextOpening);
  const bookable = services.some((service) => service.bookable);
  return (
    <div ref={wayIn}>
      {/* Both kept mounted, one hidden: a door that pauses or fills up for a moment must not take
          what the citizen typed with it. */}
      <section
        aria-labelledby="knock-unavailable-heading"
        className="panel"
        data-testid="knock-unavailable"
        data-reason={reason}
        hidden={canKnock}
      >
        <h2 id="knock-unavailable-heading" tabIndex={-1}>
          {t('unavailable.heading')}
        </h2>
        <p>
          {t(`unavailable.${reason}`)}
          {next && ` ${next}`}
        </p>
        {bookable && (
          <p>
            {t('unavailable.book')}{' '}
            <Link to={pagePath('booking', { tenant: tenantSlug, department: departmentSlug })}>
              {t('unavailable.bookLink')}
            </Link>
          </p>
        )}
        <p>{t('unavailable.contact')}</p>
        <ContactDetails contact={contact} />
      </section>
      {formShown && (
        <section className="panel" hidden={!canKnock}>
          <KnockForm
            tenantSlug={tenantSlug}
            departmentSlug={departmentSlug}
            services={services}
            door={door}
            describeFailure={describeFailure}
          />
        </section>
      )}
    </div>
  );
}
