import { AbsenceSchema, OwnAbsencesSchema, StaffMeSchema, type AbsenceInput } from '@amtsraum/shared';
import { z } from 'zod/mini';
import { getJson, sendForNothing } from '../../lib/api';
import { sendChange } from '../../lib/collisions';
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

const CreatedSchema = z.object({ absence: AbsenceSchema });

/** Enters an absence; refused with a CollisionError (lib/collisions.ts) when it would hit bookings. */
export const addOwnAbsence = async (departmentId: string, input: AbsenceInput) =>
  (await sendChange('POST', absencesPath(departmentId), input, CreatedSchema)).absence;

export const removeOwnAbsence = (departmentId: string, absenceId: string) =>
  sendForNothing('DELETE', `${absencesPath(departmentId)}/${encodeURIComponent(absenceId)}`, undefined, options());
