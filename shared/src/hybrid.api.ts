import { z } from 'zod/mini';
import { personName } from './person-name-schema.js';
import type { Channel } from './channels.js';
import { LocalizedTextSchema } from './locales.js';

/**
 * The hybrid office (issue 16): one queue for the virtual door and the town hall. The names every
 * part uses: how a visit or appointment is served (`Channel`), what a service offers
 * (`ServiceChannels`), the paired devices (`DeviceKind`), booking codes and ticket numbers.
 */

// In a module of its own: the door page's live messages need the channel, not the rest of this file.
export { CHANNELS, ChannelSchema, type Channel } from './channels.js';

/** Per service: video only (the default), on site only, or both, with the citizen choosing at booking. */
export const SERVICE_CHANNELS = ['video', 'onsite', 'both'] as const;
export const ServiceChannelsSchema = z.enum(SERVICE_CHANNELS);
export type ServiceChannels = z.infer<typeof ServiceChannelsSchema>;

export const offersChannel = (offered: ServiceChannels, channel: Channel): boolean =>
  offered === 'both' || offered === channel;

export const DEVICE_KINDS = ['kiosk', 'display'] as const;
export const DeviceKindSchema = z.enum(DEVICE_KINDS);
export type DeviceKind = z.infer<typeof DeviceKindSchema>;

/**
 * Letters and digits that cannot be mistaken for each other when read off paper or a phone and
 * typed on a kiosk's screen (no 0/O, 1/I/L, 5/S, 8/B, 2/Z, U/V).
 */
export const CODE_ALPHABET = 'ACDEFGHJKMNPQRTWXY34679';

/** An on-site appointment's booking code: 8 characters of CODE_ALPHABET, shown as `ABCD-EFGH`. */
export const BOOKING_CODE_LENGTH = 8;
export const BookingCodeSchema = z.string().check(
  z.trim(),
  z.toUpperCase(),
  z.overwrite((code) => code.replace(/[\s-]/g, '')),
  z.regex(new RegExp(`^[${CODE_ALPHABET}]{${BOOKING_CODE_LENGTH}}$`), 'a booking code of 8 letters and digits'),
);
export const formatBookingCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

/**
 * The text of the QR code in the on-site confirmation: the booking code and a tag only the server
 * can make (HMAC, lib/check-in-tag.ts on the server), so the QR code alone checks in, while the
 * typed booking code needs the date of birth as well.
 */
export const CHECK_IN_QR_PREFIX = 'AMTSRAUM1:';
export const CheckInQrSchema = z
  .string()
  .check(
    z.trim(),
    z.maxLength(100),
    z.regex(new RegExp(`^${CHECK_IN_QR_PREFIX}[${CODE_ALPHABET}]{${BOOKING_CODE_LENGTH}}\\.[A-Za-z0-9_-]{16,64}$`)),
  );

/** A device pairing code: what the admin's screen shows and is typed once on the device. */
export const PAIRING_CODE_LENGTH = 10;
export const PairingCodeSchema = z.string().check(
  z.trim(),
  z.toUpperCase(),
  z.overwrite((code) => code.replace(/[\s-]/g, '')),
  z.regex(new RegExp(`^[${CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`), 'a pairing code of 10 letters and digits'),
);

/** A ticket number as called and printed: at least three digits ("007"). */
export const formatTicketNumber = (n: number): string => String(n).padStart(3, '0');

/**
 * A counter name a clerk sets for themselves ("Platz 3", "Zimmer 12"): the call display shows it
 * to the waiting room, so it follows a person's name's rules (person-name.ts).
 */
export const CounterNameSchema = personName(30, 'please name your counter');

/** `POST /api/devices/pair`, `GET /api/devices/:kind/me`: what a paired device knows of itself. */
export const DeviceViewSchema = z.object({
  kind: DeviceKindSchema,
  label: z.string(),
  tenant: z.object({ slug: z.string(), name: z.string(), timeZone: z.string() }),
  department: z.object({ id: z.uuid(), slug: z.string(), name: LocalizedTextSchema }),
});
export type DeviceView = z.infer<typeof DeviceViewSchema>;
export const DeviceResponseSchema = z.object({ device: DeviceViewSchema });
