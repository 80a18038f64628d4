import type { InviteView } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { formatClock, formatDay } from '../../ui/format';

/**
 * A link the clerk may want to know of and withdraw: still to be used, or used up by someone who
 * may still be in the call by it (the server's `replacing` check counts the same ones).
 */
export function inForce(invite: InviteView): boolean {
  return (
    invite.state === 'active' ||
    (invite.state === 'used_up' && invite.guests.some((guest) => guest.state !== 'removed'))
  );
}

/** "gültig bis 10:45", with the day when it is not today, or "until the end of the visit". */
export function useValidity(timeZone: string): (invite: InviteView) => string {
  const { t, i18n } = useTranslation('invites');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return (invite) => {
    if (!invite.expiresAt) return t('links.untilVisitEnds');
    const at = new Date(invite.expiresAt);
    const time = formatClock(at, locale, timeZone);
    const day = formatDay(at, locale, timeZone);
    return day === formatDay(new Date(), locale, timeZone)
      ? t('links.until', { time })
      : t('links.untilDay', { day, time });
  };
}
