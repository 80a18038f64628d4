import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { appointments } from '../../db/schema.js';
import { appointmentToken } from '../booking/booking-mail.js';
import { hashToken } from '../staff/auth.service.js';

/**
 * Test factory: an appointment row inserted directly, with a manage/join token (returned, as the
 * e-mail would carry it) of which only the SHA-256 is stored. Random, or with `linkSecret` the
 * one booking derives (so that e-mails sent later carry working links).
 */
export async function makeAppointment(
  db: Db,
  values: {
    tenantId: string;
    departmentId: string;
    staffId: string;
    serviceIds: string[];
    startsAt: Date;
    minutes?: number;
    linkSecret?: string;
  } & Partial<Omit<typeof appointments.$inferInsert, 'manageTokenHash'>>,
) {
  const { minutes = 15, linkSecret, ...rest } = values;
  const id = rest.id ?? randomUUID();
  const token = linkSecret ? appointmentToken(linkSecret, id) : randomBytes(32).toString('base64url');
  const [row] = await db
    .insert(appointments)
    .values({
      id,
      citizenName: 'Sam Beispiel',
      email: 'sam@test.example',
      language: 'de',
      concern: 'Neuer Ausweis',
      endsAt: new Date(values.startsAt.getTime() + minutes * 60_000),
      ...rest,
      manageTokenHash: hashToken(token),
    })
    .returning();
  return { appointment: row!, token };
}
