import type { Locale } from '@amtsraum/shared';
import deCommon from './de/common.json';
import deDirectory from './de/directory.json';
import deErrors from './de/errors.json';
import enCommon from './en/common.json';
import enDirectory from './en/directory.json';
import enErrors from './en/errors.json';

/** i18next resources, one namespace per feature. German is the reference every language must match. */
export const resources = {
  de: { common: deCommon, directory: deDirectory, errors: deErrors },
  en: { common: enCommon, directory: enDirectory, errors: enErrors },
} satisfies Record<Locale, Record<string, unknown>>;

export const NAMESPACES = ['common', 'directory', 'errors'] as const;
export type Namespace = (typeof NAMESPACES)[number];
