import { SlugSchema } from '@amtsraum/shared';
import type { Request } from 'express';
import { AppError } from './errors.js';

/**
 * Path segments that name a tenant or a department. Anything that is not a well-formed slug names
 * nothing and is answered as unknown before a query sees it: a NUL byte used to reach
 * PostgreSQL and come back as a logged 500 (issue 11, item 5).
 */
export function isSlug(value: unknown): value is string {
  return SlugSchema.safeParse(value).success;
}

export function slugParam(value: unknown, code: 'tenant_not_found' | 'department_not_found'): string {
  if (!isSlug(value)) throw new AppError(code);
  return value;
}

/** `:tenant` and `:department` of a department's public routes, parsed. */
export function officeParams(req: Request<{ tenant: string; department: string }>) {
  return {
    tenantSlug: slugParam(req.params.tenant, 'tenant_not_found'),
    departmentSlug: slugParam(req.params.department, 'department_not_found'),
  };
}
