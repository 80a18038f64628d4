import 'i18next';
import type { resources } from './locales/resources';

// Typed keys: t('door.open') fails to compile if German lacks the key.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: (typeof resources)['de'];
  }
}
