import {
  InstallationTenantResponseSchema,
  InstallationTenantsResponseSchema,
  ProfileSchema,
  StaffListResponseSchema,
  StaffMemberResponseSchema,
  StaffMeSchema,
  type ChangePasswordRequest,
  type CheckStaffLinkRequest,
  type Profile,
  type SetPasswordRequest,
  type StaffInviteRequest,
  type StaffUpdateRequest,
  type TenantCreateRequest,
} from '@amtsraum/shared';
import { getJson, sendForNothing, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

const segment = encodeURIComponent;
const options = () => ({ language: currentLocale() });

export const useMe = () =>
  useLoad('accounts-me', (signal) => getJson('/api/staff/me', StaffMeSchema, { ...options(), signal }));

// One's own account

export function setPassword(body: SetPasswordRequest) {
  return sendJson('POST', '/api/staff/password', body, StaffMeSchema, options());
}

/** Whether a set-password link still works (`link_invalid`, `link_expired` if not); it stays unused. */
export function checkPasswordLink(token: string): Promise<void> {
  return sendForNothing('POST', '/api/staff/password/check', { token } satisfies CheckStaffLinkRequest, options());
}

export function requestReset(email: string): Promise<void> {
  return sendForNothing('POST', '/api/staff/password-reset', { email }, options());
}

export const useProfile = () =>
  useLoad('accounts-profile', (signal) => getJson('/api/staff/profile', ProfileSchema, { ...options(), signal }));

export function saveProfile(body: Profile) {
  return sendJson('PUT', '/api/staff/profile', body, ProfileSchema, options());
}

export function changePassword(body: ChangePasswordRequest): Promise<void> {
  return sendForNothing('POST', '/api/staff/profile/password', body, options());
}

// A municipality's staff

const staffBase = (tenant: string) => `/api/admin/tenants/${segment(tenant)}/staff`;

export const useStaffList = (tenant: string) =>
  useLoad(`accounts-staff:${tenant}`, (signal) =>
    getJson(staffBase(tenant), StaffListResponseSchema, { ...options(), signal }),
  );

export function inviteStaff(tenant: string, body: StaffInviteRequest) {
  return sendJson('POST', staffBase(tenant), body, StaffMemberResponseSchema, options());
}

export function updateStaff(tenant: string, staffId: string, body: StaffUpdateRequest) {
  return sendJson('PATCH', `${staffBase(tenant)}/${segment(staffId)}`, body, StaffMemberResponseSchema, options());
}

export function setStaffActive(tenant: string, staffId: string, active: boolean) {
  const action = active ? 'reactivate' : 'deactivate';
  return sendJson(
    'POST',
    `${staffBase(tenant)}/${segment(staffId)}/${action}`,
    undefined,
    StaffMemberResponseSchema,
    options(),
  );
}

export function resendInvitation(tenant: string, staffId: string): Promise<void> {
  return sendForNothing('POST', `${staffBase(tenant)}/${segment(staffId)}/invitation`, undefined, options());
}

// The installation's municipalities

const tenantsBase = '/api/admin/installation/tenants';

export const useMunicipalities = () =>
  useLoad('accounts-municipalities', (signal) =>
    getJson(tenantsBase, InstallationTenantsResponseSchema, { ...options(), signal }),
  );

export function createMunicipality(body: TenantCreateRequest) {
  return sendJson('POST', tenantsBase, body, InstallationTenantResponseSchema, options());
}

export function setMunicipalityArchived(tenantId: string, archived: boolean) {
  const action = archived ? 'archive' : 'unarchive';
  return sendJson(
    'POST',
    `${tenantsBase}/${segment(tenantId)}/${action}`,
    undefined,
    InstallationTenantResponseSchema,
    options(),
  );
}
