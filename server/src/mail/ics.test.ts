import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildIcs, escapeIcsText, foldIcsLine, icsUtc } from './ics.js';

const NOW = new Date('2026-10-20T12:00:00Z');
/** Who holds and who comes: RFC 5546 requires the organizer, and attendees for a REQUEST. */
const PEOPLE = {
  organizer: { name: 'Bürgeramt, Stadt Musterstadt', email: 'buergeramt@musterstadt.example' },
  attendee: { name: 'Erika "E." Mustermann', email: 'erika@example.org' },
};

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

describe('iCalendar', () => {
  it('writes UTC times as YYYYMMDDTHHMMSSZ', () => {
    expect(icsUtc(new Date('2026-03-05T07:08:09.123Z'))).toBe('20260305T070809Z');
  });

  it('escapes backslash, semicolon, comma and newlines in TEXT values', () => {
    expect(escapeIcsText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
    expect(escapeIcsText('tab\there\u0007')).toBe('tab here');
  });

  it('folds lines at 75 octets without splitting a UTF-8 character', () => {
    const line = `DESCRIPTION:${'Ä'.repeat(100)}`;
    const folded = foldIcsLine(line);
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const part of lines) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
    for (const part of lines.slice(1)) expect(part.startsWith(' ')).toBe(true);
    expect(lines.map((part, i) => (i === 0 ? part : part.slice(1))).join('')).toBe(line);
    expect(folded).not.toContain('\uFFFD');
    expect(foldIcsLine('SHORT:x')).toBe('SHORT:x');
  });

  it('builds a REQUEST that calendar software reads back, with CRLF line ends and a 15 minute alarm', () => {
    const description = 'Bitte mitbringen: Ausweis, Foto; Nachweis\\Kopie\nZweite Zeile ' + 'lang '.repeat(30);
    const ics = buildIcs({
      uid: 'a1b2@amtsraum',
      start: new Date('2026-11-23T09:30:00Z'),
      end: new Date('2026-11-23T09:45:00Z'),
      summary: 'Termin: Bürgeramt, Stadt Musterstadt',
      description,
      location: 'https://amtsraum.test/termin/beitreten#tok',
      url: 'https://amtsraum.test/termin/beitreten#tok',
      sequence: 2,
      now: NOW,
      ...PEOPLE,
    });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(ics).toContain('PRODID:');
    expect(ics).toContain('VERSION:2.0');
    expect(ics).toContain('CALSCALE:GREGORIAN');
    expect(ics).toContain('METHOD:REQUEST');

    const { calendar, vevent, event } = parse(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe('a1b2@amtsraum');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-11-23T09:30:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-11-23T09:45:00.000Z');
    expect(event.summary).toBe('Termin: Bürgeramt, Stadt Musterstadt');
    expect(event.description).toBe(description);
    expect(event.sequence).toBe(2);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(vevent.getFirstPropertyValue('url')).toBe('https://amtsraum.test/termin/beitreten#tok');
    expect((vevent.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().toISOString()).toBe(NOW.toISOString());
    const alarm = vevent.getFirstSubcomponent('valarm')!;
    expect(alarm.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(String(alarm.getFirstPropertyValue('trigger'))).toBe('-PT15M');
  });

  it('gives the right instant across the end of summer time (2026-10-25 10:00 in Berlin is 09:00Z)', () => {
    // 10:00 on the day clocks go back is CET (+01:00), not CEST.
    const start = new Date('2026-10-25T09:00:00Z');
    const berlin = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' });
    expect(berlin.format(start)).toBe('10:00');
    const ics = buildIcs({
      uid: 'dst@amtsraum',
      start,
      end: new Date('2026-10-25T09:30:00Z'),
      summary: 'S',
      description: 'D',
      now: NOW,
      ...PEOPLE,
    });
    expect(ics).toContain('DTSTART:20261025T090000Z');
    expect(parse(ics).event.startDate.toJSDate().getTime()).toBe(start.getTime());
  });

  it('builds a CANCEL with the same UID, status CANCELLED and no alarm', () => {
    const ics = buildIcs({
      uid: 'a1b2@amtsraum',
      start: new Date('2026-11-23T09:30:00Z'),
      end: new Date('2026-11-23T09:45:00Z'),
      summary: 'S',
      description: 'D',
      method: 'CANCEL',
      sequence: 1,
      now: NOW,
      ...PEOPLE,
    });
    const { calendar, vevent, event } = parse(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.uid).toBe('a1b2@amtsraum');
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(vevent.getFirstSubcomponent('valarm')).toBeNull();
  });

  it('refuses a URL that is not http(s) and an event that ends before it starts', () => {
    const base = { uid: 'u', summary: 's', description: 'd', now: NOW, ...PEOPLE };
    const start = new Date('2026-11-23T09:30:00Z');
    const end = new Date('2026-11-23T09:45:00Z');
    expect(() => buildIcs({ ...base, start, end, url: 'javascript:alert(1)' })).toThrow();
    expect(() => buildIcs({ ...base, start, end, url: 'https://x.test/\r\nX-EVIL:1' })).toThrow();
    expect(() => buildIcs({ ...base, start: end, end: start })).toThrow();
    const injected = { name: 'x', email: 'a@b.test:evil\r\nX-EVIL:1' };
    expect(() => buildIcs({ ...base, start, end, organizer: injected })).toThrow();
  });

  it('names the office as ORGANIZER and the citizen as an accepted ATTENDEE (RFC 5546 3.2.2, 3.2.5)', () => {
    const range = { start: new Date('2026-11-23T09:30:00Z'), end: new Date('2026-11-23T09:45:00Z') };
    for (const method of ['REQUEST', 'CANCEL'] as const) {
      const { vevent } = parse(
        buildIcs({ uid: 'p@amtsraum', ...range, summary: 'S', description: 'D', method, now: NOW, ...PEOPLE }),
      );
      const organizer = vevent.getFirstProperty('organizer')!;
      expect(organizer.getFirstValue()).toBe('mailto:buergeramt@musterstadt.example');
      expect(organizer.getParameter('cn')).toBe('Bürgeramt, Stadt Musterstadt');
      const attendee = vevent.getFirstProperty('attendee')!;
      expect(attendee.getFirstValue()).toBe('mailto:erika@example.org');
      expect(attendee.getParameter('cn')).toBe('Erika E. Mustermann'); // no quotes inside a quoted value
      expect(attendee.getParameter('rsvp')).toBe('FALSE');
      expect(attendee.getParameter('partstat')).toBe(method === 'REQUEST' ? 'ACCEPTED' : undefined);
    }
  });
});
