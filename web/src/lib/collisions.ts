import { CollisionSchema, type Collision } from '@amtsraum/shared';
import { safeParse, z } from 'zod/mini';
import { ApiError, problemOf, request } from './api';
import { currentLocale } from './i18n';

/**
 * A change refused with 409 `availability_collision` (issue 15, item 3: hours, absences,
 * closures, the holiday prefill): the booked appointments it would hit, each with the free slots
 * it could move to. An ApiError too, so a caller that does not offer the choice shows its message.
 */
export class CollisionError extends ApiError {
  constructor(
    readonly collisions: Collision[],
    requestId?: string,
  ) {
    super('availability_collision', 409, requestId);
    this.name = 'CollisionError';
  }
}

const CollisionProblemSchema = z.object({
  code: z.literal('availability_collision'),
  requestId: z.optional(z.string()),
  collisions: z.array(CollisionSchema),
});

/**
 * Sends a change that may collide with bookings. The collisions travel in the 409 problem beside
 * its code; they are read here rather than by lib/api.ts, whose problem schema is on the door
 * page's budget (issue 14). Every other failure is read as everywhere (`problemOf`).
 */
export async function sendChange<T>(
  method: 'POST' | 'PUT',
  path: string,
  body: unknown,
  schema: z.ZodMiniType<T>,
): Promise<T> {
  const response = await request(method, path, body, { language: currentLocale() });
  if (response.ok) {
    const parsed = safeParse(schema, await response.json().catch(() => null));
    if (parsed.success) return parsed.data;
    throw new ApiError('invalid_response', response.status);
  }
  const collision = safeParse(
    CollisionProblemSchema,
    await response
      .clone()
      .json()
      .catch(() => null),
  );
  if (collision.success) throw new CollisionError(collision.data.collisions, collision.data.requestId);
  throw await problemOf(response);
}
