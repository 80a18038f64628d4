import { z } from 'zod/mini';
import { personName } from './person-name-schema.js';
import { DeviceKindSchema } from './hybrid.api.js';

/**
 * A department admin's kiosks and call displays (issue 16), and what a paired call display reads.
 * Below `/api/admin/tenants/:tenant/departments/:department/devices` and `/api/devices/display/…`.
 */

const InstantSchema = z.iso.datetime({ offset: true });

/** `POST …/devices`: a new kiosk or display, named so staff know which screen is which. */
export const DeviceInputSchema = z.object({
  kind: DeviceKindSchema,
  /** Read by staff choosing the screen: a name by a person's name's rules (person-name.ts). */
  label: personName(60, 'please name the device'),
});
export type DeviceInput = z.infer<typeof DeviceInputSchema>;

/** One device as its admin sees it: never its token or code, only whether and when. */
export const AdminDeviceSchema = z.object({
  id: z.uuid(),
  kind: DeviceKindSchema,
  label: z.string(),
  pairedAt: z.nullable(InstantSchema),
  /** A pairing code is outstanding until then (shown once, when made). */
  pairingExpiresAt: z.nullable(InstantSchema),
  lastSeenAt: z.nullable(InstantSchema),
  createdAt: InstantSchema,
});
export type AdminDevice = z.infer<typeof AdminDeviceSchema>;

export const AdminDeviceListSchema = z.object({ devices: z.array(AdminDeviceSchema) });
export type AdminDeviceList = z.infer<typeof AdminDeviceListSchema>;

/** A new device or a renewed pairing: the one time its code is shown. */
export const DevicePairingSchema = z.object({
  device: AdminDeviceSchema,
  pairingCode: z.string(),
  pairingExpiresAt: InstantSchema,
});
export type DevicePairing = z.infer<typeof DevicePairingSchema>;

/**
 * A ticket called to a counter, as the call display shows it: the number and the counter, never
 * a name or a concern. `current` while the person is with that clerk.
 */
export const DisplayCallSchema = z.object({
  ticketNumber: z.number().check(z.int(), z.positive()),
  counter: z.string(),
  calledAt: InstantSchema,
  current: z.boolean(),
});
export type DisplayCall = z.infer<typeof DisplayCallSchema>;

/** `GET /api/devices/display/calls` and each message of its stream: today's calls, newest first. */
export const DisplayCallsSchema = z.object({ calls: z.array(DisplayCallSchema) });
export type DisplayCalls = z.infer<typeof DisplayCallsSchema>;

/** The call display's live stream (Server-Sent Events) below `/api`. */
export const DISPLAY_STREAM_PATH = '/api/devices/display/calls/stream';
