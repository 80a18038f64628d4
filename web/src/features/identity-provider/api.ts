import {
  AdminDepartmentListSchema,
  IdentityProviderSchema,
  IdentityProviderSettingsSchema,
  type IdentityProviderInput,
} from '@amtsraum/shared';
import { getJson, sendForNothing, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

const options = () => ({ language: currentLocale() });
const tenantBase = (tenant: string) => `/api/admin/tenants/${encodeURIComponent(tenant)}`;
const providerPath = (tenant: string) => `${tenantBase(tenant)}/identity-provider`;

/** The settings (null before the first save) and the redirect URI to register with the provider. */
export const useProviderSettings = (tenant: string) =>
  useLoad(`identity-provider:${tenant}`, (signal) =>
    getJson(providerPath(tenant), IdentityProviderSettingsSchema, { ...options(), signal }),
  );

/** The municipality's departments, for the rules that give a role in one of them. */
export const useDepartments = (tenant: string) =>
  useLoad(`identity-provider-departments:${tenant}`, (signal) =>
    getJson(`${tenantBase(tenant)}/departments`, AdminDepartmentListSchema, { ...options(), signal }),
  );

export const saveProvider = (tenant: string, input: IdentityProviderInput) =>
  sendJson('PUT', providerPath(tenant), input, IdentityProviderSchema, options());

export const removeProvider = (tenant: string) => sendForNothing('DELETE', providerPath(tenant), undefined, options());
