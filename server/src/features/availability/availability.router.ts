import { AbsenceInputSchema, HoursChangeSchema, WeekQuerySchema, type OwnAbsences } from '@amtsraum/shared';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { parseInput, parseTextInput } from '../../lib/validate.js';
import { findDepartmentWithTenant } from '../directory/directory.repo.js';
import { adminDepartment, currentAdmin } from '../staff/admin-access.js';
import { currentClerk } from '../staff/require-staff.js';
import { administeredDepartmentIds, listAbsences } from './availability.repo.js';
import {
  addAbsence,
  getAvailability,
  removeAbsence,
  setClerkHours,
  toAbsence,
  type Changer,
} from './availability.service.js';
import { weekView } from './week.js';

const IdSchema = z.uuid();
const idOf = (value: unknown) => {
  const parsed = IdSchema.safeParse(value);
  if (!parsed.success) throw new AppError('route_not_found');
  return parsed.data;
};

/**
 * Clerks' hours and absences and the week view of one department, below
 * `/api/admin/tenants/:tenant/departments/:department` (adminRouter's department list).
 */
export function availabilityRouter(deps: AppDeps): Router {
  const router = Router();
  const db = deps.database.db;
  const changer = async (req: Request): Promise<Changer> => {
    const staff = currentAdmin(req).staff;
    return { staffId: staff.id, administered: await administeredDepartmentIds(db, staff), mayResolve: true };
  };

  router.get('/availability', async (req, res) => {
    res.json(await getAvailability(db, adminDepartment(req), deps.now()));
  });

  router.get('/availability/week', async (req, res) => {
    const { from } = parseInput(WeekQuerySchema, req.query);
    res.json(await weekView(db, adminDepartment(req), from, deps.now()));
  });

  router.put('/availability/:staffId', async (req, res) => {
    const staffId = idOf(req.params.staffId);
    const change = parseTextInput(HoursChangeSchema, req.body);
    res.json(await setClerkHours(ctxOf(deps), adminDepartment(req), staffId, change, await changer(req)));
  });

  router.post('/availability/:staffId/absences', async (req, res) => {
    const staffId = idOf(req.params.staffId);
    const input = parseTextInput(AbsenceInputSchema, req.body);
    res.status(201).json(await addAbsence(ctxOf(deps), adminDepartment(req), staffId, input, await changer(req)));
  });

  router.delete('/availability/:staffId/absences/:absenceId', async (req, res) => {
    const staffId = idOf(req.params.staffId);
    await removeAbsence(ctxOf(deps), adminDepartment(req), staffId, idOf(req.params.absenceId), {
      staffId: currentAdmin(req).staff.id,
    });
    res.status(204).end();
  });

  return router;
}

/**
 * A clerk's own absences, below `/api/staff/departments/:departmentId` (issue 15, item 5): only
 * where the department lets clerks manage them, and only an absence that hits no booking (else
 * 409 with the list, without the citizens' names: their admin resolves it).
 */
export function ownAbsencesRouter(deps: AppDeps): Router {
  const router = Router();
  const db = deps.database.db;
  const office = async (req: Request) => {
    const found = await findDepartmentWithTenant(db, currentClerk(req).departmentId);
    if (!found) throw new AppError('department_not_found');
    return found;
  };
  const allowed = async (req: Request) => {
    const found = await office(req);
    if (!found.department.clerksManageAbsences) throw new AppError('forbidden');
    return found;
  };

  router.get('/absences', async (req, res) => {
    const found = await office(req);
    const rows = await listAbsences(db, [currentClerk(req).staff.id], deps.now());
    const body: OwnAbsences = {
      timeZone: found.tenant.timeZone,
      allowed: found.department.clerksManageAbsences,
      absences: rows.map(toAbsence),
    };
    res.json(body);
  });

  router.post('/absences', async (req, res) => {
    const found = await allowed(req);
    const input = parseTextInput(AbsenceInputSchema, req.body);
    const clerk = currentClerk(req).staff;
    const { absence } = await addAbsence(ctxOf(deps), found, clerk.id, input, {
      staffId: clerk.id,
      administered: new Set(),
      mayResolve: false,
    });
    res.status(201).json({ absence });
  });

  router.delete('/absences/:absenceId', async (req, res) => {
    const found = await allowed(req);
    const clerk = currentClerk(req).staff;
    await removeAbsence(ctxOf(deps), found, clerk.id, idOf(req.params.absenceId), { staffId: clerk.id });
    res.status(204).end();
  });

  return router;
}
