import type { Locale } from '@amtsraum/shared';
import deCall from './de/call.json';
import deCommon from './de/common.json';
import deDirectory from './de/directory.json';
import deErrors from './de/errors.json';
import deKnock from './de/knock.json';
import deStaff from './de/staff.json';
import enCall from './en/call.json';
import enCommon from './en/common.json';
import enDirectory from './en/directory.json';
import enErrors from './en/errors.json';
import enKnock from './en/knock.json';
import enStaff from './en/staff.json';

/** i18next resources, one namespace per feature. German is the reference every language must match. */
export const resources = {
  de: { call: deCall, common: deCommon, directory: deDirectory, errors: deErrors, knock: deKnock, staff: deStaff },
  en: { call: enCall, common: enCommon, directory: enDirectory, errors: enErrors, knock: enKnock, staff: enStaff },
} satisfies Record<Locale, Record<string, unknown>>;

export const NAMESPACES = ['call', 'common', 'directory', 'errors', 'knock', 'staff'] as const;
export type Namespace = (typeof NAMESPACES)[number];
