import type { BookingInfo } from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import { toBookableService } from '../directory/directory.service.js';
import { listBookableServices } from './appointments.repo.js';
import { findOffice } from './slot-search.js';

/** `GET …/booking`: what the booking page needs before the first question, and the office's clock. */
export async function getBookingInfo(
  db: Db,
  tenantSlug: string,
  departmentSlug: string,
  now: Date,
): Promise<BookingInfo> {
  const { department, tenant } = await findOffice(db, tenantSlug, departmentSlug);
  const services = await listBookableServices(db, department.id);
  return {
    tenantSlug: tenant.slug,
    departmentSlug: department.slug,
    departmentName: department.name,
    departmentNameForms: department.nameForms,
    timeZone: tenant.timeZone,
    services: services.map(toBookableService),
    maxPersons: department.maxPersonsPerBooking,
    horizonDays: department.bookingHorizonDays,
    joinOpensMinutesBefore: department.joinOpensMinutesBefore,
    onsiteLocation: department.onsiteLocation ?? null,
    serverTime: now.toISOString(),
  };
}
