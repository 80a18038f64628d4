import {
  faqListsOf,
  type Contact,
  type FaqEntry,
  type FaqItem,
  type PageText,
  type TenantTextKind,
} from '@amtsraum/shared';
import type { Config } from '../../config.js';
import { SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from '../staff/auth.service.js';
import { VISIT_COOKIE_MAX_AGE_MS } from '../visits/visit-cookie.js';

/**
 * The texts a municipality sees until it writes its own (issue 15, item 7). The privacy text is
 * built from the running configuration and the code's own constants, so it says what this
 * installation actually keeps and for how long, and changes with it: a default that lies is
 * worse than none. German and English; other languages fall back to German.
 */

export interface DefaultTextFacts {
  tenantName: string;
  contact: Contact;
  retentionDays: number;
  media: { mode: 'p2p' | 'livekit'; e2ee: boolean };
  /** Where accessibility feedback goes, if anywhere. */
  feedbackEmail: string | null;
}

export function defaultTextFacts(
  config: Pick<Config, 'retentionDays' | 'media'>,
  tenant: { name: string; contact: Contact },
  feedbackEmail: string | null,
): DefaultTextFacts {
  return {
    tenantName: tenant.name,
    contact: tenant.contact,
    retentionDays: config.retentionDays,
    media: { mode: config.media.mode, e2ee: config.media.livekit?.e2ee ?? false },
    feedbackEmail,
  };
}

const hours = (ms: number) => Math.round(ms / 3_600_000);

function contactLines(contact: Contact, labels: { phone: string; email: string }): string {
  return [
    contact.address,
    contact.room,
    contact.phone ? `${labels.phone}: ${contact.phone}` : undefined,
    contact.email ? `${labels.email}: ${contact.email}` : undefined,
  ]
    .filter((line): line is string => Boolean(line))
    .join('\n');
}

function imprint(facts: DefaultTextFacts): PageText {
  const de = contactLines(facts.contact, { phone: 'Telefon', email: 'E-Mail' });
  const en = contactLines(facts.contact, { phone: 'Phone', email: 'E-mail' });
  return {
    de: [
      `${facts.tenantName} hat das Impressum für das virtuelle Bürgerbüro noch nicht eingetragen.`,
      `Verantwortlich für dieses Angebot ist:\n${facts.tenantName}${de ? `\n${de}` : ''}`,
    ].join('\n\n'),
    en: [
      `${facts.tenantName} has not filled in the legal notice (Impressum) of its virtual citizen office yet.`,
      `This service is provided by:\n${facts.tenantName}${en ? `\n${en}` : ''}`,
    ].join('\n\n'),
  };
}

function privacy(facts: DefaultTextFacts): PageText {
  const days = facts.retentionDays;
  const visitHours = hours(VISIT_COOKIE_MAX_AGE_MS);
  const idleHours = hours(SESSION_IDLE_MS);
  const maxHours = hours(SESSION_MAX_AGE_MS);
  const contactDe = contactLines(facts.contact, { phone: 'Telefon', email: 'E-Mail' });
  const contactEn = contactLines(facts.contact, { phone: 'Phone', email: 'E-mail' });
  const mediaDe =
    facts.media.mode === 'livekit'
      ? `Bild und Ton laufen über einen Medienserver (LiveKit) dieser Installation${facts.media.e2ee ? ', Ende-zu-Ende-verschlüsselt: Der Server kann sie nicht entschlüsseln' : ', transportverschlüsselt'}.`
      : 'Bild und Ton laufen direkt zwischen Ihrem Gerät und dem der Sachbearbeitung (Peer-to-Peer, mit DTLS-SRTP verschlüsselt); unser Server vermittelt nur den Verbindungsaufbau.';
  const mediaEn =
    facts.media.mode === 'livekit'
      ? `Video and sound pass through a media server (LiveKit) of this installation${facts.media.e2ee ? ', end-to-end encrypted: the server cannot decrypt them' : ', encrypted in transit'}.`
      : "Video and sound go directly between your device and the clerk's (peer-to-peer, encrypted with DTLS-SRTP); our server only helps the two connect.";
  return {
    de: [
      `Verantwortlich im Sinne der Datenschutz-Grundverordnung (DSGVO) ist ${facts.tenantName}.${contactDe ? `\n${contactDe}` : ''}`,
      'Dieses virtuelle Bürgerbüro (Amtsraum) speichert nur, was für Ihr Anliegen nötig ist:',
      `Wenn Sie anklopfen: Ihren Namen, Ihr Anliegen in Stichworten, Ihre Sprache und eine Notiz der Sachbearbeitung. Diese Angaben werden ${days} Tage nach dem Ende Ihres Besuchs gelöscht; es bleibt nur ein namenloser Eintrag für die Statistik.`,
      `Wenn Sie einen Termin buchen: zusätzlich Ihre E-Mail-Adresse (und Telefonnummer, wenn Sie sie angeben), um Ihnen Bestätigung und Erinnerung zu senden. Gelöscht ${days} Tage nach dem Termin.`,
      `E-Mails, die wir Ihnen senden, liegen bis zum Versand in einem Postausgang und werden ${days} Tage danach gelöscht.`,
      `Ein Cookie merkt sich für höchstens ${visitHours} Stunden, dass Sie im Wartebereich sind, damit Sie Ihren Platz beim Neuladen der Seite behalten, und trägt eine Zufallsnummer, mit der wir zählen, wie oft aus diesem Browser angeklopft wird (gegen Missbrauch). Es ist technisch notwendig; andere Cookies setzen wir bei Bürgerinnen und Bürgern nicht. Mitarbeitende erhalten beim Anmelden ein Sitzungs-Cookie, das nach ${idleHours} Stunden ohne Nutzung, spätestens nach ${maxHours} Stunden endet.`,
      `Gespräche werden nicht aufgezeichnet; Bild und Ton werden nicht gespeichert. ${mediaDe}`,
      'Es gibt kein Tracking, keine Analysewerkzeuge und keine Inhalte fremder Anbieter. Die Protokolle des Servers enthalten nur den aufgerufenen Pfad, keine Namen, Anliegen oder Suchbegriffe. Um Missbrauch zu begrenzen, zählen wir Anfragen je Adresse nur als unumkehrbaren Hashwert und nur für die Dauer des Zählfensters (höchstens 24 Stunden).',
      'Rechtsgrundlage ist Art. 6 Abs. 1 lit. e DSGVO (Erfüllung einer Aufgabe im öffentlichen Interesse) in Verbindung mit den Vorschriften, nach denen Ihr Anliegen bearbeitet wird.',
      'Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung und Widerspruch (Art. 15 bis 21 DSGVO) sowie das Recht, sich bei der Datenschutz-Aufsichtsbehörde Ihres Landes zu beschweren.',
    ].join('\n\n'),
    en: [
      `The controller under the General Data Protection Regulation (GDPR) is ${facts.tenantName}.${contactEn ? `\n${contactEn}` : ''}`,
      'This virtual citizen office (Amtsraum) keeps only what your matter needs:',
      `When you knock: your name, your concern in a few words, your language and a note by the clerk. These are deleted ${days} days after your visit ended; only a nameless entry remains for statistics.`,
      `When you book an appointment: also your e-mail address (and phone number, if you give it), to send you the confirmation and a reminder. Deleted ${days} days after the appointment.`,
      `E-mails we send you wait in an outbox until they are sent and are deleted ${days} days later.`,
      `A cookie remembers for at most ${visitHours} hours that you are in the waiting room, so that you keep your place when the page reloads, and carries a random number with which we count how often this browser knocks (against abuse). It is technically necessary; we set no other cookies for citizens. Staff get a session cookie when they sign in, which ends after ${idleHours} hours without use, at the latest after ${maxHours} hours.`,
      `Conversations are not recorded; video and sound are not stored. ${mediaEn}`,
      'There is no tracking, no analytics and no content from other providers. The server logs hold only the path requested, no names, concerns or search words. To limit abuse we count requests per address only as an irreversible hash and only for the counting window (at most 24 hours).',
      'The legal basis is Art. 6(1)(e) GDPR (a task in the public interest) together with the rules under which your matter is handled.',
      'You have the right of access, rectification, erasure, restriction and objection (Art. 15 to 21 GDPR), and the right to lodge a complaint with the data protection authority of your state.',
    ].join('\n\n'),
  };
}

function accessibility(facts: DefaultTextFacts): PageText {
  const to = facts.feedbackEmail;
  return {
    de: [
      `${facts.tenantName} ist bemüht, das virtuelle Bürgerbüro barrierefrei zugänglich zu machen. Ziel sind die Anforderungen der WCAG 2.1 (Web Content Accessibility Guidelines) auf Stufe AA und der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0).`,
      'Wie wir prüfen: Jede Seite wird bei jeder neuen Version automatisch mit axe-core geprüft, am Bildschirm und bei 320 Pixeln Breite, und ist vollständig mit der Tastatur bedienbar. Eine Prüfung durch Fachleute steht noch aus; bis dahin ist diese Erklärung eine Selbstbewertung.',
      'Bekannte Einschränkungen: In Videogesprächen gibt es keine automatischen Untertitel. Bitte nennen Sie beim Anklopfen oder Buchen, welche Unterstützung Sie brauchen (zum Beispiel Gebärdensprach- oder Schriftdolmetschung).',
      `Barriere melden: Wenn Ihnen Barrieren auffallen, schreiben Sie uns über das Formular auf dieser Seite${to ? ` oder per E-Mail an ${to}` : ''}. Wir antworten in der Regel innerhalb von sechs Wochen.`,
      'Schlichtungsverfahren: Wenn Sie keine zufriedenstellende Antwort erhalten, können Sie sich an die Schlichtungsstelle Ihres Landes für barrierefreie Informationstechnik wenden (für Stellen des Bundes: die Schlichtungsstelle nach § 16 BGG, https://www.schlichtungsstelle-bgg.de). Die Überwachungsstelle des Bundes für Barrierefreiheit von Informationstechnik (BFIT-Bund) nennt die Stellen der Länder.',
    ].join('\n\n'),
    en: [
      `${facts.tenantName} aims to make its virtual citizen office accessible. The target is WCAG 2.1 (Web Content Accessibility Guidelines) at level AA and the German Barrier-Free Information Technology Ordinance (BITV 2.0).`,
      'How we test: every page is checked automatically with axe-core with every new version, on a desktop screen and at 320 pixels wide, and works with the keyboard alone. An audit by experts is still to come; until then this statement is a self-assessment.',
      'Known limitations: video calls have no automatic captions. Please say when you knock or book which support you need (for example sign language or speech-to-text interpreting).',
      `Report a barrier: if you meet a barrier, write to us with the form on this page${to ? ` or by e-mail to ${to}` : ''}. We usually answer within six weeks.`,
      'Conciliation: if you do not get a satisfactory answer, you can turn to the conciliation body for accessible information technology of your state (for federal bodies: the conciliation body under § 16 BGG, https://www.schlichtungsstelle-bgg.de). The federal monitoring body for accessible information technology (BFIT-Bund) lists the bodies of the states.',
    ].join('\n\n'),
  };
}

function faq(facts: DefaultTextFacts): FaqEntry[] {
  return [
    {
      question: { de: 'Was ist das virtuelle Bürgerbüro?', en: 'What is the virtual citizen office?' },
      answer: {
        de: `Sie sprechen per Video mit der Sachbearbeitung von ${facts.tenantName}, ohne ins Rathaus zu kommen: spontan, indem Sie an der virtuellen Tür anklopfen, wenn sie offen ist, oder zu einem gebuchten Termin.`,
        en: `You talk to the staff of ${facts.tenantName} by video without coming to the town hall: right away, by knocking on the virtual door while it is open, or at a booked appointment.`,
      },
    },
    {
      question: { de: 'Was brauche ich dafür?', en: 'What do I need?' },
      answer: {
        de: 'Ein Smartphone, Tablet oder einen Computer mit einem aktuellen Browser, Kamera und Mikrofon. Sie müssen nichts installieren und kein Konto anlegen. Vor dem Gespräch können Sie Kamera und Ton prüfen.',
        en: 'A smartphone, tablet or computer with a current browser, a camera and a microphone. You install nothing and need no account. You can check your camera and sound before the call.',
      },
    },
    {
      question: { de: 'Wird das Gespräch aufgezeichnet?', en: 'Is the call recorded?' },
      answer: {
        de: `Nein. Bild und Ton werden nicht gespeichert. Ihren Namen und Ihr Anliegen löschen wir ${facts.retentionDays} Tage nach dem Besuch.`,
        en: `No. Video and sound are not stored. Your name and concern are deleted ${facts.retentionDays} days after the visit.`,
      },
    },
    {
      question: { de: 'Kann jemand für mich übersetzen?', en: 'Can someone interpret for me?' },
      answer: {
        de: 'Ja. Geben Sie beim Anklopfen Ihre Sprache an; die Sachbearbeitung kann eine Dolmetscherin oder einen Dolmetscher per Link in das Gespräch holen.',
        en: 'Yes. Give your language when you knock; the clerk can bring an interpreter into the call by link.',
      },
    },
    {
      question: { de: 'Was ist, wenn die Tür geschlossen ist?', en: 'What if the door is closed?' },
      answer: {
        de: 'Die Seite jedes Amtes zeigt seine Öffnungszeiten. Viele Anliegen können Sie auch als Termin buchen.',
        en: "Each office's page shows its opening hours. You can book an appointment for many matters, too.",
      },
    },
  ];
}

/** The default of a page kind (imprint, privacy, accessibility). */
export function defaultPageText(kind: Exclude<TenantTextKind, 'faq'>, facts: DefaultTextFacts): PageText {
  if (kind === 'imprint') return imprint(facts);
  if (kind === 'privacy') return privacy(facts);
  return accessibility(facts);
}

/** The default FAQ, a list per language. */
export function defaultFaq(facts: DefaultTextFacts): Record<string, FaqItem[]> {
  return faqListsOf(faq(facts));
}
