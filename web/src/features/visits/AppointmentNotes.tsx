import { OfficeClockSchema, type CitizenVisit } from '@amtsraum/shared';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { formatClock } from '../../ui/format';
import { useTenant } from '../directory';

/** How long a failed look at the office's clock (offline for a moment) waits to look again. */
const RETRY_MS = 30_000;

/**
 * An appointment arrival's lines in the waiting room's status: its time, and once its start has
 * passed, that the place holds. A chunk of its own, loaded for every waiting visit: the waiting
 * room page is at its budget (web/vite.config.ts).
 */
export default function AppointmentNotes({ visit }: { visit: CitizenVisit }) {
  const startsAt = visit.appointmentStartsAt;
  if (!startsAt) return null;
  return (
    <>
      <AppointmentTime tenantSlug={visit.tenantSlug} startsAt={startsAt} />
      <LateNote startsAt={startsAt} joinedAt={visit.createdAt} />
    </>
  );
}

/** "Ihr Termin um 10:30 Uhr", read in the municipality's zone (issue 6). */
function AppointmentTime({ tenantSlug, startsAt }: { tenantSlug: string; startsAt: string }) {
  const { t, i18n } = useTranslation('waiting');
  const tenant = useTenant(tenantSlug);
  if (tenant.status !== 'success') return null;
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const time = formatClock(new Date(startsAt), locale, tenant.data.tenant.timeZone);
  return (
    <p className="lead" data-testid="appointment-time">
      {t('wait.appointmentAt', { time })}
    </p>
  );
}

/**
 * "Ihr Termin hat schon begonnen. Ihr Platz bleibt …": at once for a citizen who came after the
 * start (both the server's instants, compared as text), and for one who came on time from the
 * moment the start passes while they wait, without a reload. That moment is the office's (the
 * `serverTime` of `GET /api/visit`), not the phone's, which may be hours off; the timer runs from
 * the answer's arrival, so the note comes a moment late, never early. It is said politely: the
 * status around it is a polite live region.
 */
function LateNote({ startsAt, joinedAt }: { startsAt: string; joinedAt: string }) {
  const { t } = useTranslation('waiting');
  const [begun, setBegun] = useState(startsAt < joinedAt);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (begun) return;
    const controller = new AbortController();
    let timer = 0;
    getJson('/api/visit', OfficeClockSchema, { language: currentLocale(), signal: controller.signal }).then(
      ({ serverTime }) => {
        const wait = Date.parse(startsAt) - Date.parse(serverTime);
        if (wait > 2_000_000_000) return; // beyond a timer's range (weeks): a reload will tell
        timer = window.setTimeout(
          () => {
            setBegun(true);
          },
          Math.max(0, wait),
        );
      },
      () => {
        if (controller.signal.aborted) return;
        timer = window.setTimeout(() => {
          setAttempt((n) => n + 1);
        }, RETRY_MS);
      },
    );
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [startsAt, begun, attempt]);
  return begun ? <p data-testid="late">{t('wait.late')}</p> : null;
}
