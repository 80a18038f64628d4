import type { ErrorCode, Locale } from '@amtsraum/shared';

/**
 * Titles of API errors in each interface language. The web client translates by `code` itself;
 * these serve API users (a municipality's website, scripts) and anyone reading a raw response.
 */
export const ERROR_TITLES: Record<ErrorCode, Record<Locale, string>> = {
  route_not_found: { de: 'Diese Adresse gibt es nicht.', en: 'This address does not exist.' },
  tenant_not_found: { de: 'Diese Kommune gibt es hier nicht.', en: 'This municipality does not exist here.' },
  department_not_found: { de: 'Dieses Amt gibt es hier nicht.', en: 'This department does not exist here.' },
  invalid_json: {
    de: 'Die Anfrage enthält kein gültiges JSON.',
    en: 'The request does not contain valid JSON.',
  },
  payload_too_large: { de: 'Die Anfrage ist zu groß.', en: 'The request is too large.' },
  unsupported_media_type: {
    de: 'Dieses Datenformat wird nicht angenommen.',
    en: 'This content type is not accepted.',
  },
  validation_failed: {
    de: 'Einige Angaben sind nicht gültig.',
    en: 'Some of the details are not valid.',
  },
  rate_limited: {
    de: 'Zu viele Anfragen. Bitte warten Sie einen Moment.',
    en: 'Too many requests. Please wait a moment.',
  },
  unauthorized: { de: 'Bitte melden Sie sich an.', en: 'Please sign in.' },
  forbidden: { de: 'Dafür fehlt Ihnen die Berechtigung.', en: 'You are not allowed to do this.' },
  conflict: {
    de: 'Das hat sich gerade geändert. Bitte laden Sie neu.',
    en: 'This has just changed. Please reload.',
  },
  database_unavailable: {
    de: 'Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
    en: 'The service is unavailable right now. Please try again shortly.',
  },
  internal_error: {
    de: 'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es noch einmal.',
    en: 'An unexpected error occurred. Please try again.',
  },
};
