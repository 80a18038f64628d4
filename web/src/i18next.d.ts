import 'i18next';
import type { resources } from './locales/resources';

type German = (typeof resources)['de'];

// Typed keys: t('door.open') fails to compile if German lacks the key. Every error code is
// written `errors:codes.*`: the codes only later pages meet live in `moreErrors`, where
// i18next's `fallbackNS` finds them (lib/i18n.ts).
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: Omit<German, 'errors'> & {
      errors: Omit<German['errors'], 'codes'> & {
        codes: German['errors']['codes'] & German['moreErrors']['codes'];
      };
    };
  }
}
