import type { ServiceInput } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { services } from '../../db/schema.js';
import type { ServiceRow } from '../directory/directory.repo.js';

/**
 * The one way a service is written (issue 15, item 9): the admin screens, the installation file,
 * the demo seed and an export read back, with values parsed by the shared service schema (the
 * file's derives from it). Writes inside the caller's transaction; never audits or announces.
 *
 * - `{ slug, ifTaken: 'update' }` creates the service or updates the one with that slug (the file);
 * - `{ slug, ifTaken: 'refuse' }` only creates it: undefined when the slug is taken;
 * - `{ id }` updates that service of the department: undefined when it has none such.
 * The archived flag is never written here.
 */
export async function writeService(
  db: Db,
  target: { departmentId: string } & ({ slug: string; ifTaken: 'update' | 'refuse' } | { id: string }),
  values: ServiceInput,
  options: { sortOrder?: number; createdAt?: Date } = {},
): Promise<ServiceRow | undefined> {
  const set = {
    name: values.name,
    description: values.description,
    durationMinutes: values.durationMinutes,
    extraMinutesPerPerson: values.extraMinutesPerPerson,
    documents: values.documents,
    bookable: values.bookable,
    knockable: values.knockable,
    maxPersons: values.maxPersons,
    keywords: values.keywords,
    onlineUrl: values.onlineUrl,
    ...(values.channels !== undefined ? { channels: values.channels } : {}),
    ...(options.sortOrder !== undefined ? { sortOrder: options.sortOrder } : {}),
  };
  if ('id' in target) {
    const [row] = await db
      .update(services)
      .set(set)
      .where(and(eq(services.id, target.id), eq(services.departmentId, target.departmentId)))
      .returning();
    return row;
  }
  const insert = db.insert(services).values({
    departmentId: target.departmentId,
    slug: target.slug,
    ...set,
    ...(options.createdAt ? { createdAt: options.createdAt } : {}),
  });
  const [row] = await (
    target.ifTaken === 'update'
      ? insert.onConflictDoUpdate({ target: [services.departmentId, services.slug], set })
      : insert.onConflictDoNothing({ target: [services.departmentId, services.slug] })
  ).returning();
  return row;
}
