import { BookingRulesSchema, CreateServiceSchema, ServiceInputSchema, ServiceOrderSchema } from '@amtsraum/shared';
import { Router } from 'express';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { adminDepartment, currentAdmin } from '../staff/admin-access.js';
import { toBookingRules, updateBookingRules } from './booking-rules.service.js';
import {
  createService,
  listAdminServices,
  reorderServices,
  setServiceArchived,
  updateService,
} from './services.service.js';

const IdSchema = z.uuid();
const serviceIdOf = (value: unknown) => {
  const parsed = IdSchema.safeParse(value);
  if (!parsed.success) throw new AppError('route_not_found');
  return parsed.data;
};

/**
 * Services and booking rules of one department, below
 * `/api/admin/tenants/:tenant/departments/:department` (mounted in adminRouter's department list).
 */
export function offerRouter(deps: AppDeps): Router {
  const router = Router();
  const actor = (req: Parameters<typeof currentAdmin>[0]) => currentAdmin(req).staff.id;

  router.get('/services', async (req, res) => {
    res.json(await listAdminServices(deps.database.db, adminDepartment(req)));
  });

  router.post('/services', async (req, res) => {
    const input = parseInput(CreateServiceSchema, req.body);
    res.status(201).json({ service: await createService(ctxOf(deps), adminDepartment(req), input, actor(req)) });
  });

  router.put('/services/order', async (req, res) => {
    const { ids } = parseInput(ServiceOrderSchema, req.body);
    res.json(await reorderServices(ctxOf(deps), adminDepartment(req), ids, actor(req)));
  });

  router.put('/services/:serviceId', async (req, res) => {
    const serviceId = serviceIdOf(req.params.serviceId);
    const input = parseInput(ServiceInputSchema, req.body);
    res.json({ service: await updateService(ctxOf(deps), adminDepartment(req), serviceId, input, actor(req)) });
  });

  router.post('/services/:serviceId/archive', async (req, res) => {
    const serviceId = serviceIdOf(req.params.serviceId);
    res.json({ service: await setServiceArchived(ctxOf(deps), adminDepartment(req), serviceId, true, actor(req)) });
  });

  router.post('/services/:serviceId/restore', async (req, res) => {
    const serviceId = serviceIdOf(req.params.serviceId);
    res.json({ service: await setServiceArchived(ctxOf(deps), adminDepartment(req), serviceId, false, actor(req)) });
  });

  router.get('/booking-rules', (req, res) => {
    res.json({ rules: toBookingRules(adminDepartment(req).department) });
  });

  router.put('/booking-rules', async (req, res) => {
    const rules = parseInput(BookingRulesSchema, req.body);
    res.json({ rules: await updateBookingRules(ctxOf(deps), adminDepartment(req), rules, actor(req)) });
  });

  return router;
}
