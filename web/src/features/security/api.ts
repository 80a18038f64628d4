import {
  SecondFactorSetupSchema,
  SignInOptionsSchema,
  StaffMeSchema,
  type SecondFactorSetupRequest,
} from '@amtsraum/shared';
import { getJson, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

const options = () => ({ language: currentLocale() });

/** Who is signed in, with `secondFactor: { enrolled, proved }`; `version` reloads it. */
export const useStaffMe = (version: number) =>
  useLoad(`security-me:${String(version)}`, (signal) =>
    getJson('/api/staff/me', StaffMeSchema, { ...options(), signal }),
  );

/** Steps the session up with a code from the authenticator app. */
export const proveSecondFactor = (code: string) =>
  sendJson('POST', '/api/staff/second-factor', { code }, StaffMeSchema, options());

/** A new secret for the app (replacing a confirmed one needs the password). */
export const startSetup = (body: SecondFactorSetupRequest) =>
  sendJson('POST', '/api/staff/second-factor/setup', body, SecondFactorSetupSchema, options());

/** Confirms the new app with its first code; the session counts as proved from then on. */
export const confirmSetup = (code: string) =>
  sendJson('POST', '/api/staff/second-factor/confirm', { code }, StaffMeSchema, options());

/** Whether the municipality offers sign-in through its identity provider. */
export const useSignInOptions = (tenant: string) =>
  useLoad(`sign-in-options:${tenant}`, (signal) =>
    getJson(`/api/auth/oidc/${encodeURIComponent(tenant)}`, SignInOptionsSchema, { ...options(), signal }),
  );
