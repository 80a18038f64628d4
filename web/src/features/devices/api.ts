import {
  AdminDeviceListSchema,
  DevicePairingSchema,
  DeviceResponseSchema,
  pagePath,
  type DeviceInput,
  type DeviceKind,
} from '@amtsraum/shared';
import { getJson, sendForNothing, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

export interface DepartmentRef {
  tenant: string;
  department: string;
}

const options = () => ({ language: currentLocale() });
const devicesPath = ({ tenant, department }: DepartmentRef) =>
  `/api/admin/tenants/${encodeURIComponent(tenant)}/departments/${encodeURIComponent(department)}/devices`;

// -- the department admin's page --------------------------------------------------------------

export const useDevices = (ref: DepartmentRef) =>
  useLoad(`devices:${ref.tenant}/${ref.department}`, (signal) =>
    getJson(devicesPath(ref), AdminDeviceListSchema, { ...options(), signal }),
  );

export const addDevice = (ref: DepartmentRef, input: DeviceInput) =>
  sendJson('POST', devicesPath(ref), input, DevicePairingSchema, options());

export const renewPairing = (ref: DepartmentRef, deviceId: string) =>
  sendJson('POST', `${devicesPath(ref)}/${encodeURIComponent(deviceId)}/pairing`, {}, DevicePairingSchema, options());

export const revokeDevice = (ref: DepartmentRef, deviceId: string) =>
  sendForNothing('POST', `${devicesPath(ref)}/${encodeURIComponent(deviceId)}/revoke`, {}, options());

// -- the device itself -----------------------------------------------------------------------

export const fetchPairedDevice = (kind: DeviceKind, signal?: AbortSignal) =>
  getJson(`/api/devices/${kind}/me`, DeviceResponseSchema, { ...options(), ...(signal ? { signal } : {}) });

/** Pairs this browser as a device of `kind` (a code for another kind is refused, and stays good). */
export const pairDevice = (code: string, kind: DeviceKind) =>
  sendJson('POST', '/api/devices/pair', { code, kind }, DeviceResponseSchema, options());

/** The page a device of `kind` shows, with its pairing code in the fragment (never sent to a server). */
export const pairingUrl = (kind: DeviceKind, code: string, origin = window.location.origin) =>
  `${origin}${pagePath(kind === 'kiosk' ? 'kiosk' : 'callDisplay')}#pair=${code}`;
