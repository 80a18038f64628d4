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

/**
 * How a citizen refused at the booking limit reaches the office instead: its phone as a `tel:`
 * link when it has one (and its e-mail beside it), its e-mail alone, or neither, when the
 * refusal must not promise a number (the 429 said "call us" on a page without any).
 */
export type OfficeContactWay =
  | { kind: 'phone'; phone: string; tel: string; email: string | null }
  | { kind: 'email'; email: string }
  | { kind: 'none' };

export function officeContactWay(contact: { phone?: string; email?: string }): OfficeContactWay {
  const phone = contact.phone?.trim() ?? '';
  const email = contact.email?.trim() || null;
  // A dialler wants digits and a leading plus only ("+49 1234 000-0" → "+4912340000").
  const tel = phone.replace(/[^\d+]/g, '');
  if (phone && /\d/.test(tel)) return { kind: 'phone', phone, tel: `tel:${tel}`, email };
  if (email) return { kind: 'email', email };
  return { kind: 'none' };
}
