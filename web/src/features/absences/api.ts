import {
  AbsenceSchema,
  CollisionSchema,
  OwnAbsencesSchema,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  StaffMeSchema,
  type AbsenceInput,
  type Collision,
} from '@amtsraum/shared';
import { safeParse, z } from 'zod/mini';
import { ApiError, getJson, sendForNothing } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

const options = () => ({ language: currentLocale() });
const absencesPath = (departmentId: string) => `/api/staff/departments/${encodeURIComponent(departmentId)}/absences`;

/** Who is signed in: the department's name and the clerk's role in it. */
export const useMe = () =>
  useLoad('absences-me', (signal) => getJson('/api/staff/me', StaffMeSchema, { ...options(), signal }));

/** The clerk's own absences not yet over, and whether the department lets them enter some. */
export const useOwnAbsences = (departmentId: string, version: number) =>
  useLoad(`own-absences:${departmentId}:${String(version)}`, (signal) =>
    getJson(absencesPath(departmentId), OwnAbsencesSchema, { ...options(), signal }),
  );

/** Refused with 409 availability_collision: the booked appointments the absence would hit. */
export class CollisionError extends Error {
  constructor(readonly collisions: Collision[]) {
    super('availability_collision');
    this.name = 'CollisionError';
  }
}

const CollisionProblemSchema = z.object({
  code: z.literal('availability_collision'),
  collisions: z.array(CollisionSchema),
});
const CreatedSchema = z.object({ absence: AbsenceSchema });

/**
 * Enters an absence. The collisions ride in the 409 problem beside its code and are read here:
 * lib/api.ts keeps only what every page needs (its problem schema is on the door page's budget).
 */
export async function addOwnAbsence(departmentId: string, input: AbsenceInput) {
  let response: Response;
  try {
    response = await fetch(absencesPath(departmentId), {
      method: 'POST',
      headers: {
        Accept: `application/json, ${PROBLEM_CONTENT_TYPE}`,
        'Accept-Language': currentLocale(),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(input),
    });
  } catch (error) {
    throw new ApiError('network_error', null, undefined, { cause: error });
  }
  const json: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = safeParse(CreatedSchema, json);
    if (parsed.success) return parsed.data.absence;
    throw new ApiError('invalid_response', response.status);
  }
  const collision = safeParse(CollisionProblemSchema, json);
  if (collision.success) throw new CollisionError(collision.data.collisions);
  const problem = safeParse(ProblemSchema, json);
  if (!problem.success) throw new ApiError('internal_error', response.status);
  const { code, requestId, errors } = problem.data;
  throw new ApiError(code, response.status, requestId, undefined, errors ? { fieldErrors: errors } : {});
}

export const removeOwnAbsence = (departmentId: string, absenceId: string) =>
  sendForNothing('DELETE', `${absencesPath(departmentId)}/${encodeURIComponent(absenceId)}`, undefined, options());
