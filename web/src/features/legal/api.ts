import {
  AccessibilityFeedbackResponseSchema,
  AdminTenantTextsResponseSchema,
  TenantTextResponseSchema,
  type AccessibilityFeedbackRequest,
  type OwnFaq,
  type OwnPageText,
  type TenantTextKind,
} from '@amtsraum/shared';
import { getJson, sendForNothing, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

const segment = encodeURIComponent;

export const useTenantText = (tenant: string, kind: TenantTextKind) =>
  useLoad(`text:${tenant}/${kind}`, (signal) =>
    getJson(`/api/tenants/${segment(tenant)}/texts/${kind}`, TenantTextResponseSchema, {
      language: currentLocale(),
      signal,
    }),
  );

export function sendAccessibilityFeedback(tenant: string, body: AccessibilityFeedbackRequest) {
  return sendJson(
    'POST',
    `/api/tenants/${segment(tenant)}/accessibility-feedback`,
    body,
    AccessibilityFeedbackResponseSchema,
    { language: currentLocale() },
  );
}

const adminTexts = (tenant: string) => `/api/admin/tenants/${segment(tenant)}/texts`;

export const loadAdminTexts = (tenant: string, signal?: AbortSignal) =>
  getJson(adminTexts(tenant), AdminTenantTextsResponseSchema, { language: currentLocale(), signal });

export function saveText(tenant: string, kind: TenantTextKind, body: { text: OwnPageText } | { faq: OwnFaq }) {
  return sendForNothing('PUT', `${adminTexts(tenant)}/${kind}`, body, { language: currentLocale() });
}

/** Back to the default. */
export const resetText = (tenant: string, kind: TenantTextKind) =>
  sendForNothing('DELETE', `${adminTexts(tenant)}/${kind}`, undefined, { language: currentLocale() });
