import type { DeviceKind, LocalizedText } from '@amtsraum/shared';
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, exists, gt, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { departments, devices, tenants, visits } from '../../db/schema.js';
import { newPairingCode } from '../../lib/check-in-codes.js';
import { hashToken } from '../staff/auth.service.js';

/** A pairing code is typed on the device within this time, once. */
export const PAIRING_CODE_TTL_MS = 15 * 60_000;

/** A paired device as its own requests see it (require-device.ts). */
export interface PairedDevice {
  id: string;
  kind: DeviceKind;
  label: string;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  timeZone: string;
  departmentId: string;
  departmentSlug: string;
  departmentName: LocalizedText;
}

const pairedColumns = {
  id: devices.id,
  kind: devices.kind,
  label: devices.label,
  tenantId: devices.tenantId,
  tenantSlug: tenants.slug,
  tenantName: tenants.name,
  timeZone: tenants.timeZone,
  departmentId: devices.departmentId,
  departmentSlug: departments.slug,
  departmentName: departments.name,
};

/** A new device of a department, waiting for its pairing code to be typed on it. */
export async function createDevice(
  db: Db,
  values: { tenantId: string; departmentId: string; kind: DeviceKind; label: string; createdBy: string; now: Date },
): Promise<{ id: string; pairingCode: string; pairingExpiresAt: Date }> {
  const pairingCode = newPairingCode();
  const pairingExpiresAt = new Date(values.now.getTime() + PAIRING_CODE_TTL_MS);
  const [row] = await db
    .insert(devices)
    .values({
      tenantId: values.tenantId,
      departmentId: values.departmentId,
      kind: values.kind,
      label: values.label,
      createdBy: values.createdBy,
      pairingCodeHash: hashToken(pairingCode),
      pairingExpiresAt,
      createdAt: values.now,
    })
    .returning({ id: devices.id });
  if (!row) throw new Error('insert returned nothing');
  return { id: row.id, pairingCode, pairingExpiresAt };
}

/**
 * A fresh pairing code for a device of `departmentId` (a new tablet, or the old one lost its
 * cookie): the device's earlier token stops working, so a device is only ever one browser.
 */
export async function renewPairing(
  db: Db,
  options: { deviceId: string; departmentId: string; now: Date },
): Promise<{ pairingCode: string; pairingExpiresAt: Date } | undefined> {
  const pairingCode = newPairingCode();
  const pairingExpiresAt = new Date(options.now.getTime() + PAIRING_CODE_TTL_MS);
  const [row] = await db
    .update(devices)
    .set({ pairingCodeHash: hashToken(pairingCode), pairingExpiresAt, tokenHash: null, pairedAt: null })
    .where(
      and(eq(devices.id, options.deviceId), eq(devices.departmentId, options.departmentId), isNull(devices.revokedAt)),
    )
    .returning({ id: devices.id });
  return row ? { pairingCode, pairingExpiresAt } : undefined;
}

/** Trades a valid pairing code, once, for the device's own token. Undefined for a wrong, used or old code. */
export async function pairDevice(
  db: Db,
  options: { pairingCode: string; now: Date; kind?: DeviceKind },
): Promise<{ token: string; device: PairedDevice } | undefined> {
  const token = randomBytes(32).toString('base64url');
  const [row] = await db
    .update(devices)
    .set({
      tokenHash: hashToken(token),
      pairedAt: options.now,
      lastSeenAt: options.now,
      pairingCodeHash: null,
      pairingExpiresAt: null,
    })
    .where(
      and(
        eq(devices.pairingCodeHash, hashToken(options.pairingCode)),
        gt(devices.pairingExpiresAt, options.now),
        isNull(devices.revokedAt),
        // A kiosk's code typed on a display pairs nothing, and stays good for the kiosk.
        options.kind ? eq(devices.kind, options.kind) : undefined,
        // A device of an archived department or municipality is refused without using its code up
        // (it was paired, yet its every request refused, and the admin's list called it paired).
        exists(
          db
            .select({ id: departments.id })
            .from(departments)
            .innerJoin(tenants, eq(tenants.id, departments.tenantId))
            .where(
              and(eq(departments.id, devices.departmentId), isNull(departments.archivedAt), isNull(tenants.archivedAt)),
            ),
        ),
      ),
    )
    .returning({ id: devices.id });
  if (!row) return undefined;
  const device = await findPairedDevice(db, { id: row.id });
  return device ? { token, device } : undefined;
}

/** The device a token belongs to, while it is paired, not revoked, and its department and tenant not archived. */
export async function findPairedDevice(
  db: Db,
  by: { tokenHash: string } | { id: string },
): Promise<PairedDevice | undefined> {
  const [row] = await db
    .select(pairedColumns)
    .from(devices)
    .innerJoin(departments, eq(departments.id, devices.departmentId))
    .innerJoin(tenants, eq(tenants.id, devices.tenantId))
    .where(
      and(
        'tokenHash' in by ? eq(devices.tokenHash, by.tokenHash) : eq(devices.id, by.id),
        isNull(devices.revokedAt),
        isNull(departments.archivedAt),
        isNull(tenants.archivedAt),
      ),
    )
    .limit(1);
  return row;
}

/** Marks a device as seen (the admin's list shows when each kiosk or display last asked). */
export async function touchDevice(db: Db, deviceId: string, now: Date): Promise<void> {
  await db.update(devices).set({ lastSeenAt: now }).where(eq(devices.id, deviceId));
}

/** Revokes a device of `departmentId`: its token and any pairing code stop working at once. */
export async function revokeDevice(
  db: Db,
  options: { deviceId: string; departmentId: string; now: Date },
): Promise<{ id: string; tenantId: string; kind: DeviceKind } | undefined> {
  const [row] = await db
    .update(devices)
    .set({ revokedAt: options.now, tokenHash: null, pairingCodeHash: null, pairingExpiresAt: null })
    .where(
      and(eq(devices.id, options.deviceId), eq(devices.departmentId, options.departmentId), isNull(devices.revokedAt)),
    )
    .returning({ id: devices.id, tenantId: devices.tenantId, kind: devices.kind });
  return row;
}

/** A department's devices that are not revoked, for its admin page. */
export async function listDevices(db: Db, departmentId: string) {
  return db
    .select({
      id: devices.id,
      kind: devices.kind,
      label: devices.label,
      pairedAt: devices.pairedAt,
      pairingExpiresAt: devices.pairingExpiresAt,
      lastSeenAt: devices.lastSeenAt,
      createdAt: devices.createdAt,
    })
    .from(devices)
    .where(and(eq(devices.departmentId, departmentId), isNull(devices.revokedAt)))
    .orderBy(asc(devices.createdAt), asc(devices.id));
}

/** Calls the display shows at most: the current ones and the last few before them. */
export const DISPLAY_CALLS_MAX = 10;

/**
 * Today's calls of a department for its call display, newest first: ticket number and counter
 * only (issue 16: never a name or a concern). `day` is the tenant's calendar day.
 */
export async function listDisplayCalls(db: Db, options: { departmentId: string; day: string }) {
  return db
    .select({
      ticketNumber: visits.ticketNumber,
      counter: visits.calledCounter,
      calledAt: visits.calledAt,
      state: visits.state,
    })
    .from(visits)
    .where(
      and(
        eq(visits.departmentId, options.departmentId),
        eq(visits.channel, 'onsite'),
        eq(visits.ticketDay, options.day),
        isNotNull(visits.calledAt),
        isNotNull(visits.ticketNumber),
      ),
    )
    .orderBy(desc(visits.calledAt), desc(visits.ticketNumber))
    .limit(DISPLAY_CALLS_MAX);
}
