import type { CitizenAppointment, StaffAppointment } from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import { findArrival } from '../visits/visits.repo.js';
import {
  findServicesByIds,
  findStaffName,
  type AppointmentRow,
  type DepartmentRow,
  type ServiceRow,
  type TenantRow,
} from './appointments.repo.js';
import { MINUTE, type Found } from './booking-ctx.js';

/** An appointment as the citizen and as the clerk see it. */

/** The fields every view of an appointment shares. */
function appointmentBase(appointment: AppointmentRow, services: Pick<ServiceRow, 'slug' | 'name'>[]) {
  return {
    id: appointment.id,
    state: appointment.state,
    startsAt: appointment.startsAt.toISOString(),
    endsAt: appointment.endsAt.toISOString(),
    services: services.map((service) => ({ slug: service.slug, name: service.name })),
    persons: appointment.persons,
    name: appointment.citizenName,
    email: appointment.email,
    language: appointment.language,
    interpreterLanguage: appointment.interpreterLanguage,
    channel: appointment.channel,
  };
}

export function toCitizenAppointment(options: {
  appointment: AppointmentRow;
  department: DepartmentRow;
  tenant: TenantRow;
  services: ServiceRow[];
  now: Date;
}): CitizenAppointment {
  const { appointment, department, tenant, services } = options;
  const documents = new Map<string, ServiceRow['documents'][number]>();
  for (const service of services) {
    for (const document of service.documents) documents.set(JSON.stringify(document), document);
  }
  return {
    ...appointmentBase(appointment, services),
    tenantSlug: tenant.slug,
    tenantName: tenant.name,
    departmentSlug: department.slug,
    departmentName: department.name,
    departmentNameForms: department.nameForms,
    timeZone: tenant.timeZone,
    documents: [...documents.values()],
    joinOpensAt: joinOpensAt(appointment, department).toISOString(),
    canCancel: citizenMayChange(appointment, options.now),
    ...(appointment.channel === 'onsite'
      ? { onsiteLocation: department.onsiteLocation ?? null, bookingCode: appointment.bookingCode }
      : {}),
  };
}

/** The citizen's view of `appointment` (default: the one found), with its services read. */
export async function citizenView(
  ctx: { db: Db; now: Date },
  found: Found,
  appointment = found.appointment,
): Promise<CitizenAppointment> {
  const services = await findServicesByIds(ctx.db, appointment.serviceIds);
  return toCitizenAppointment({ ...found, appointment, services, now: ctx.now });
}

/** The clerk's view of an appointment, from what has been read already. */
export function staffAppointmentView(
  appointment: AppointmentRow,
  options: {
    services: Pick<ServiceRow, 'slug' | 'name'>[];
    clerkName: string;
    visitId: string | null;
    noShowGraceMinutes: number;
  },
): StaffAppointment {
  return {
    ...appointmentBase(appointment, options.services),
    phone: appointment.phone,
    concern: appointment.concern,
    clerk: { id: appointment.staffId, name: options.clerkName },
    visitId: options.visitId,
    noShowFrom: new Date(appointment.startsAt.getTime() + options.noShowGraceMinutes * MINUTE).toISOString(),
    channel: appointment.channel,
    mailLocale: appointment.mailLocale,
  };
}

export async function toStaffAppointment(
  db: Db,
  options: { appointment: AppointmentRow; department: DepartmentRow; services?: ServiceRow[] },
): Promise<StaffAppointment> {
  const { appointment, department } = options;
  const [services, clerkName, visitId] = await Promise.all([
    options.services ?? findServicesByIds(db, appointment.serviceIds),
    findStaffName(db, appointment.staffId),
    findArrival(db, appointment.id).then((arrival) => arrival?.id ?? null),
  ]);
  return staffAppointmentView(appointment, {
    services,
    clerkName: clerkName ?? '',
    visitId,
    noShowGraceMinutes: department.noShowGraceMinutes,
  });
}

/** Citizens may cancel or rebook a booked appointment until it starts. */
/** From when the join link lets the citizen in: the department's minutes before the start. */
export function joinOpensAt(
  appointment: Pick<AppointmentRow, 'startsAt'>,
  department: Pick<DepartmentRow, 'joinOpensMinutesBefore'>,
): Date {
  return new Date(appointment.startsAt.getTime() - department.joinOpensMinutesBefore * MINUTE);
}

export function citizenMayChange(appointment: Pick<AppointmentRow, 'state' | 'startsAt'>, now: Date): boolean {
  return appointment.state === 'booked' && appointment.startsAt.getTime() > now.getTime();
}
