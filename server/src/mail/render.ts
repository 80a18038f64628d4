/**
 * How an e-mail is written out: blocks of text become a full plain-text part and an HTML part,
 * with every value escaped; dates and times in the tenant's time zone. The texts themselves are
 * in templates.ts.
 */
import { INTL_LOCALE } from '@amtsraum/shared';

export interface MailAttachment {
  filename: string;
  contentType: string;
  /** The bytes in base64 (as `enqueueMail` expects). */
  content: string;
  /** Content-ID of an inline part the HTML shows as `<img src="cid:…">`. */
  cid?: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export type Locale = 'de' | 'en';

export type Block =
  | { type: 'paragraph'; text: string }
  | { type: 'facts'; rows: [label: string, value: string][] }
  | { type: 'list'; title: string; items: string[] }
  | { type: 'link'; text: string; label: string; url: string }
  /** An inline image attachment (`cid`); the plain text says `text` instead. */
  | { type: 'image'; cid: string; alt: string; size: number; text: string };

// ---------------------------------------------------------------------------------------------
// Dates

const DATE_STYLES = {
  date: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  clock: { hour: '2-digit', minute: '2-digit' },
  zone: { timeZoneName: 'short' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

/**
 * Formatters, built once per style, locale and time zone: building one costs far more than
 * formatting with it, and a confirmation built four (issue 14, the rush: the e-mail is rendered
 * in the booking's request). Time zones are the tenants' own, so the map stays small.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(style: keyof typeof DATE_STYLES, timeZone: string, locale: Locale): Intl.DateTimeFormat {
  const key = `${style} ${locale} ${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone, ...DATE_STYLES[style] });
    formatters.set(key, found);
  }
  return found;
}

function dateText(date: Date, timeZone: string, locale: Locale): string {
  return formatter('date', timeZone, locale).format(date);
}

function clockText(date: Date, timeZone: string, locale: Locale): string {
  return formatter('clock', timeZone, locale).format(date);
}

function zoneText(date: Date, timeZone: string, locale: Locale): string {
  const parts = formatter('zone', timeZone, locale).formatToParts(date);
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}

/** "Montag, 23. November 2026, 10:30 Uhr" / "Monday, 23 November 2026, 10:30". */
export function formatMailDateTime(date: Date, timeZone: string, locale: Locale): string {
  const clock = clockText(date, timeZone, locale);
  return `${dateText(date, timeZone, locale)}, ${locale === 'de' ? `${clock} Uhr` : clock}`;
}

/** "Montag, 23. November 2026, 10:30 bis 10:45 Uhr (MEZ)". */
export function rangeText(start: Date, end: Date, timeZone: string, locale: Locale): string {
  const from = clockText(start, timeZone, locale);
  const to = clockText(end, timeZone, locale);
  const zone = zoneText(start, timeZone, locale);
  return locale === 'de'
    ? `${dateText(start, timeZone, locale)}, ${from} bis ${to} Uhr (${zone})`
    : `${dateText(start, timeZone, locale)}, ${from} to ${to} (${zone})`;
}

/** A language named in the mail's language: "Türkisch" / "Turkish"; the tag itself when unknown. */
export function languageName(tag: string, locale: Locale): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

export function httpUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('mail links must be http(s)');
  return url;
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function renderText(blocks: Block[]): string {
  const out = blocks.map((block) => {
    switch (block.type) {
      case 'paragraph':
        return block.text;
      case 'facts': {
        const width = Math.max(...block.rows.map(([label]) => label.length)) + 2;
        return block.rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join('\n');
      }
      case 'list':
        return [block.title, ...block.items.map((item) => `- ${item}`)].join('\n');
      case 'link':
        // The label too: pages name the link by it ("open the link “Join the appointment”").
        return `${block.text}\n${block.label}: ${block.url}`;
      case 'image':
        return block.text;
    }
  });
  return out.join('\n\n') + '\n';
}

const P = 'margin:0 0 16px 0';

function renderHtml(blocks: Block[], locale: Locale, title: string): string {
  const body = blocks.map((block) => {
    switch (block.type) {
      case 'paragraph':
        return `<p style="${P}">${escapeHtml(block.text).replace(/\n/g, '<br>')}</p>`;
      case 'facts':
        return (
          `<table role="presentation" style="${P};border-collapse:collapse">` +
          block.rows
            .map(
              ([label, value]) =>
                `<tr><th scope="row" style="text-align:left;vertical-align:top;padding:2px 16px 2px 0;font-weight:bold">` +
                `${escapeHtml(label)}</th><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`,
            )
            .join('') +
          '</table>'
        );
      case 'list':
        return (
          `<p style="margin:0 0 4px 0">${escapeHtml(block.title)}</p><ul style="${P}">` +
          block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('') +
          '</ul>'
        );
      case 'link':
        return (
          `<p style="${P}">${escapeHtml(block.text)}<br>` +
          `<a href="${escapeHtml(block.url)}" style="color:#0b57a4;font-weight:bold">${escapeHtml(block.label)}</a>` +
          `<br><span style="font-size:13px;color:#555;word-break:break-all">${escapeHtml(block.url)}</span></p>`
        );
      case 'image':
        return (
          `<p style="${P}"><img src="cid:${escapeHtml(block.cid)}" alt="${escapeHtml(block.alt)}" ` +
          `width="${block.size}" height="${block.size}" style="display:block;border:0"></p>`
        );
    }
  });
  return (
    `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>` +
    `<body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#ffffff">` +
    `<div style="max-width:600px">${body.join('\n')}</div></body></html>`
  );
}

export function render(blocks: Block[], locale: Locale, subject: string): RenderedMail {
  return { subject, text: renderText(blocks), html: renderHtml(blocks, locale, subject) };
}

export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
