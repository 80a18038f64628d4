import {
  IdentityProviderInputSchema,
  type IdentityProvider,
  type IdentityProviderInput,
  type RoleMappingRule,
} from '@amtsraum/shared';
import { safeParse } from 'zod/mini';

/**
 * The identity-provider form as plain data, apart from React: what the screen holds, what it
 * sends, and which field each problem belongs to. The client secret is write-only (the API never
 * returns it): the form says what to do with the stored one instead of showing it.
 */

/** What a rule gives: municipality admin, or a role in one department. */
export type Grant = 'tenantAdmin' | 'clerk' | 'admin';

export interface MappingRow {
  /** A stable key for React while rows are added and removed. */
  key: number;
  value: string;
  grant: Grant;
  /** A department's slug; empty for municipality admin. */
  department: string;
}

/** `keep` the stored secret, `replace` it with `clientSecret`, `remove` it (a public client). */
export type SecretAction = 'keep' | 'replace' | 'remove';

export interface ProviderForm {
  issuer: string;
  clientId: string;
  clientSecret: string;
  secretAction: SecretAction;
  labelDe: string;
  labelEn: string;
  scopes: string;
  roleClaim: string;
  mapping: MappingRow[];
  provisionAccounts: boolean;
  enabled: boolean;
}

/** The form's fields in page order; `roleMapping.N` is the Nth rule's row. */
export type ProviderField =
  'issuer' | 'clientId' | 'clientSecret' | 'label' | 'scopes' | 'roleClaim' | `roleMapping.${number}` | 'roleMapping';

export function fieldOrder(form: ProviderForm): ProviderField[] {
  return [
    'issuer',
    'clientId',
    'clientSecret',
    'label',
    'scopes',
    'roleClaim',
    ...form.mapping.map((_row, index): ProviderField => `roleMapping.${index}`),
    'roleMapping',
  ];
}

let nextKey = 1;
export function newRow(partial: Partial<Omit<MappingRow, 'key'>> = {}): MappingRow {
  nextKey += 1;
  return { key: nextKey, value: '', grant: 'clerk', department: '', ...partial };
}

function rowOf(rule: RoleMappingRule): MappingRow {
  if (rule.tenantAdmin) return newRow({ value: rule.value, grant: 'tenantAdmin' });
  return newRow({ value: rule.value, grant: rule.role ?? 'clerk', department: rule.department ?? '' });
}

/** The form for the stored settings, or an empty one (with the API's defaults) before the first save. */
export function formOf(provider: IdentityProvider | null): ProviderForm {
  return {
    issuer: provider?.issuer ?? '',
    clientId: provider?.clientId ?? '',
    clientSecret: '',
    // A new provider's secret is entered in the same field; an empty one means a public client.
    secretAction: provider?.hasClientSecret ? 'keep' : 'replace',
    labelDe: provider?.label.de ?? '',
    labelEn: provider?.label.en ?? '',
    scopes: provider?.scopes ?? 'openid email profile',
    roleClaim: provider?.roleClaim ?? 'groups',
    mapping: provider?.roleMapping.map(rowOf) ?? [],
    provisionAccounts: provider?.provisionAccounts ?? false,
    enabled: provider?.enabled ?? true,
  };
}

/** What `PUT …/identity-provider` gets. */
export function inputOf(form: ProviderForm, hadSecret: boolean): IdentityProviderInput {
  const secret = form.clientSecret;
  const clientSecret =
    form.secretAction === 'keep'
      ? undefined
      : form.secretAction === 'remove'
        ? null
        : secret !== ''
          ? secret
          : // An empty field where a secret was stored changes nothing; before, it means none.
            hadSecret
            ? undefined
            : null;
  const labelEn = form.labelEn.trim();
  return {
    issuer: form.issuer.trim(),
    clientId: form.clientId.trim(),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    label: { de: form.labelDe.trim(), ...(labelEn ? { en: labelEn } : {}) },
    scopes: form.scopes.trim().replace(/\s+/g, ' '),
    roleClaim: form.roleClaim.trim(),
    roleMapping: form.mapping.map((row): RoleMappingRule => {
      const value = row.value.trim();
      if (row.grant === 'tenantAdmin') return { value, tenantAdmin: true };
      return { value, ...(row.department ? { department: row.department } : {}), role: row.grant };
    }),
    provisionAccounts: form.provisionAccounts,
    enabled: form.enabled,
  };
}

/**
 * The fields the shared schema finds fault with, in the paths the server would name them, so the
 * form shows the same errors before sending as after. Empty: the input may be sent.
 */
export function problemPaths(input: IdentityProviderInput): string[] {
  const parsed = safeParse(IdentityProviderInputSchema, input);
  if (parsed.success) return [];
  return [...new Set(parsed.error.issues.map((issue) => issue.path.map(String).join('.')))];
}
