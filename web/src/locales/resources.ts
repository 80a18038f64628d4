import type { Locale } from '@amtsraum/shared';
import deBooking from './de/booking.json';
import deCall from './de/call.json';
import deCommon from './de/common.json';
import deDirectory from './de/directory.json';
import deErrors from './de/errors.json';
import deInvite from './de/invite.json';
import deKnock from './de/knock.json';
import deStaff from './de/staff.json';
import enBooking from './en/booking.json';
import enCall from './en/call.json';
import enCommon from './en/common.json';
import enDirectory from './en/directory.json';
import enErrors from './en/errors.json';
import enInvite from './en/invite.json';
import enKnock from './en/knock.json';
import enStaff from './en/staff.json';

/** i18next resources, one namespace per feature. German is the reference every language must match. */
export const resources = {
  de: {
    booking: deBooking,
    call: deCall,
    common: deCommon,
    directory: deDirectory,
    errors: deErrors,
    invite: deInvite,
    knock: deKnock,
    staff: deStaff,
  },
  en: {
    booking: enBooking,
    call: enCall,
    common: enCommon,
    directory: enDirectory,
    errors: enErrors,
    invite: enInvite,
    knock: enKnock,
    staff: enStaff,
  },
} satisfies Record<Locale, Record<string, unknown>>;

export const NAMESPACES = ['booking', 'call', 'common', 'directory', 'errors', 'invite', 'knock', 'staff'] as const;
export type Namespace = (typeof NAMESPACES)[number];
