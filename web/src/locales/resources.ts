import type { Locale } from '@amtsraum/shared';
import deAdmin from './de/admin.json';
import deAccounts from './de/accounts.json';
import deAppointments from './de/appointments.json';
import deAudit from './de/audit.json';
import deCalls from './de/calls.json';
import deCollisions from './de/collisions.json';
import deCommon from './de/common.json';
import deConsole from './de/console.json';
import deDirectory from './de/directory.json';
import deErrors from './de/errors.json';
import deInvites from './de/invites.json';
import deLegal from './de/legal.json';
import deMailbox from './de/mailbox.json';
import deMoreErrors from './de/moreErrors.json';
import deSecurity from './de/security.json';
import deOffer from './de/offer.json';
import deVisits from './de/visits.json';
import deWaiting from './de/waiting.json';
import deAbsences from './de/absences.json';
import deIdentityProvider from './de/identity-provider.json';
import deKiosk from './de/kiosk.json';
import deDisplay from './de/display.json';
import deDevices from './de/devices.json';
import enAdmin from './en/admin.json';
import enAccounts from './en/accounts.json';
import enAppointments from './en/appointments.json';
import enAudit from './en/audit.json';
import enCalls from './en/calls.json';
import enCollisions from './en/collisions.json';
import enCommon from './en/common.json';
import enConsole from './en/console.json';
import enDirectory from './en/directory.json';
import enErrors from './en/errors.json';
import enInvites from './en/invites.json';
import enLegal from './en/legal.json';
import enMailbox from './en/mailbox.json';
import enMoreErrors from './en/moreErrors.json';
import enSecurity from './en/security.json';
import enOffer from './en/offer.json';
import enVisits from './en/visits.json';
import enWaiting from './en/waiting.json';
import enAbsences from './en/absences.json';
import enIdentityProvider from './en/identity-provider.json';
import enKiosk from './en/kiosk.json';
import enDisplay from './en/display.json';
import enDevices from './en/devices.json';

/**
 * i18next resources, one namespace per feature (named like its folder under features/), plus
 * `common` and `errors` for the layout and the shared ui/, `collisions` for ui/CollisionChoice (the
 * admin pages only), and `moreErrors`: the texts of error
 * codes only pages after the door page meet, kept out of its first download. German is the reference every language
 * must match.
 */
export const resources = {
  de: {
    admin: deAdmin,
    accounts: deAccounts,
    appointments: deAppointments,
    audit: deAudit,
    calls: deCalls,
    collisions: deCollisions,
    common: deCommon,
    console: deConsole,
    directory: deDirectory,
    errors: deErrors,
    invites: deInvites,
    legal: deLegal,
    mailbox: deMailbox,
    moreErrors: deMoreErrors,
    security: deSecurity,
    offer: deOffer,
    visits: deVisits,
    waiting: deWaiting,
    absences: deAbsences,
    'identity-provider': deIdentityProvider,
    kiosk: deKiosk,
    display: deDisplay,
    devices: deDevices,
  },
  en: {
    admin: enAdmin,
    accounts: enAccounts,
    appointments: enAppointments,
    audit: enAudit,
    calls: enCalls,
    collisions: enCollisions,
    common: enCommon,
    console: enConsole,
    directory: enDirectory,
    errors: enErrors,
    invites: enInvites,
    legal: enLegal,
    mailbox: enMailbox,
    moreErrors: enMoreErrors,
    security: enSecurity,
    offer: enOffer,
    visits: enVisits,
    waiting: enWaiting,
    absences: enAbsences,
    'identity-provider': enIdentityProvider,
    kiosk: enKiosk,
    display: enDisplay,
    devices: enDevices,
  },
} satisfies Record<Locale, Record<string, unknown>>;

export { NAMESPACES, type Namespace } from './namespaces';
