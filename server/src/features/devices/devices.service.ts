import type { AdminDevice, DeviceInput, DevicePairing, DisplayCalls } from '@amtsraum/shared';
import type { Ctx } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import { todayIn } from '../directory/directory.service.js';
import {
  createDevice,
  listDevices,
  listDisplayCalls,
  renewPairing,
  revokeDevice,
  type PairedDevice,
} from './devices.repo.js';

/** The department an admin acts in (adminDepartment in staff/admin-access.ts). */
export interface DeviceOffice {
  tenant: { id: string };
  department: { id: string };
}

/** Calls shown large (with their counter): the people with a clerk right now, newest first. */
const CURRENT_CALLS_MAX = 4;

type DeviceRow = Awaited<ReturnType<typeof listDevices>>[number];

const iso = (value: Date | null) => (value ? value.toISOString() : null);

function toAdminDevice(row: DeviceRow, now: Date): AdminDevice {
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    pairedAt: iso(row.pairedAt),
    // A code that ran out is no code: the list says "not paired", and renewing makes a new one.
    pairingExpiresAt: row.pairingExpiresAt && row.pairingExpiresAt > now ? row.pairingExpiresAt.toISOString() : null,
    lastSeenAt: iso(row.lastSeenAt),
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listOfficeDevices(ctx: Pick<Ctx, 'db' | 'now'>, office: DeviceOffice): Promise<AdminDevice[]> {
  return (await listDevices(ctx.db, office.department.id)).map((row) => toAdminDevice(row, ctx.now));
}

async function deviceOf(ctx: Pick<Ctx, 'db' | 'now'>, office: DeviceOffice, deviceId: string): Promise<AdminDevice> {
  const device = (await listOfficeDevices(ctx, office)).find((row) => row.id === deviceId);
  if (!device) throw new AppError('entry_not_found');
  return device;
}

/** A new kiosk or display and its one-time pairing code. */
export async function addDevice(
  ctx: Pick<Ctx, 'db' | 'now'>,
  office: DeviceOffice,
  input: DeviceInput,
  staffId: string,
): Promise<DevicePairing> {
  const made = await createDevice(ctx.db, {
    tenantId: office.tenant.id,
    departmentId: office.department.id,
    kind: input.kind,
    label: input.label,
    createdBy: staffId,
    now: ctx.now,
  });
  await insertAudit(ctx.db, {
    tenantId: office.tenant.id,
    departmentId: office.department.id,
    actorKind: 'staff',
    actorStaffId: staffId,
    action: 'device.created',
    data: { deviceId: made.id, kind: input.kind },
    createdAt: ctx.now,
  });
  return {
    device: await deviceOf(ctx, office, made.id),
    pairingCode: made.pairingCode,
    pairingExpiresAt: made.pairingExpiresAt.toISOString(),
  };
}

/**
 * A fresh pairing code (a new tablet, a lost cookie): the device's old token stops working, and
 * its live streams close in every process.
 */
export async function renewDevicePairing(
  ctx: Pick<Ctx, 'db' | 'now' | 'events'>,
  office: DeviceOffice,
  deviceId: string,
  staffId: string,
): Promise<DevicePairing> {
  const renewed = await renewPairing(ctx.db, { deviceId, departmentId: office.department.id, now: ctx.now });
  if (!renewed) throw new AppError('entry_not_found');
  await insertAudit(ctx.db, {
    tenantId: office.tenant.id,
    departmentId: office.department.id,
    actorKind: 'staff',
    actorStaffId: staffId,
    action: 'device.pairing_renewed',
    data: { deviceId },
    createdAt: ctx.now,
  });
  await ctx.events.publish({ deviceRevoked: { deviceId } });
  return {
    device: await deviceOf(ctx, office, deviceId),
    pairingCode: renewed.pairingCode,
    pairingExpiresAt: renewed.pairingExpiresAt.toISOString(),
  };
}

/** Revokes a device of the office: its cookie is refused from now on, and its live streams close. */
export async function revokeOfficeDevice(
  ctx: Pick<Ctx, 'db' | 'now' | 'events'>,
  office: DeviceOffice,
  deviceId: string,
  staffId: string,
): Promise<void> {
  const revoked = await revokeDevice(ctx.db, { deviceId, departmentId: office.department.id, now: ctx.now });
  if (!revoked) throw new AppError('entry_not_found');
  await insertAudit(ctx.db, {
    tenantId: office.tenant.id,
    departmentId: office.department.id,
    actorKind: 'staff',
    actorStaffId: staffId,
    action: 'device.revoked',
    data: { deviceId, kind: revoked.kind },
    createdAt: ctx.now,
  });
  await ctx.events.publish({ deviceRevoked: { deviceId } });
}

/** What the call display shows: today's calls (tenant's day) of its department, numbers and counters only. */
export async function readDisplayCalls(
  ctx: Pick<Ctx, 'db' | 'now'>,
  device: Pick<PairedDevice, 'departmentId' | 'timeZone'>,
): Promise<DisplayCalls> {
  const rows = await listDisplayCalls(ctx.db, {
    departmentId: device.departmentId,
    day: todayIn(device.timeZone, ctx.now),
  });
  let current = 0;
  return {
    calls: rows.map((row) => {
      const isCurrent = row.state === 'admitted' && current < CURRENT_CALLS_MAX;
      if (isCurrent) current += 1;
      return {
        ticketNumber: row.ticketNumber!,
        counter: row.counter ?? '',
        calledAt: row.calledAt!.toISOString(),
        current: isCurrent,
      };
    }),
  };
}
