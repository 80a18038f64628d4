import type { BookableService, LocalizedText } from '@amtsraum/shared';

/** How long the chosen services take for `persons` people: each service's time plus its extra per further person. */
export function durationOf(services: BookableService[], persons: number): number {
  return services.reduce(
    (sum, service) => sum + service.durationMinutes + service.extraMinutesPerPerson * Math.max(0, persons - 1),
    0,
  );
}

/** The documents of all chosen services, each once. */
export function documentsOf(services: { documents: LocalizedText[] }[]): LocalizedText[] {
  const seen = new Set<string>();
  const documents: LocalizedText[] = [];
  for (const service of services) {
    for (const document of service.documents) {
      if (seen.has(document.de)) continue;
      seen.add(document.de);
      documents.push(document);
    }
  }
  return documents;
}

// The same rules as shared/src/appointments.api.ts, checked before sending so errors show at once.
export const PHONE_PATTERN = /^[+()0-9 /-]*$/;
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
