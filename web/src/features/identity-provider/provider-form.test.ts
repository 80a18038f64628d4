import type { IdentityProvider } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { fieldOrder, formOf, inputOf, newRow, problemPaths } from './provider-form';

const stored: IdentityProvider = {
  issuer: 'https://login.rathaus.example/realms/stadt',
  clientId: 'amtsraum',
  hasClientSecret: true,
  label: { de: 'Rathaus-Konto', en: 'Town hall account' },
  scopes: 'openid email profile groups',
  roleClaim: 'roles',
  roleMapping: [
    { value: 'it', tenantAdmin: true },
    { value: 'buergeramt', department: 'buergeramt', role: 'clerk' },
  ],
  provisionAccounts: true,
  enabled: false,
  redirectUri: 'https://amtsraum.example/api/auth/oidc/stadt/callback',
  updatedAt: '2026-11-30T10:00:00.000Z',
};

describe('the identity-provider form', () => {
  it('sends back what it was given, the stored secret left alone', () => {
    const form = formOf(stored);
    expect(form.clientSecret).toBe('');
    expect(form.secretAction).toBe('keep');
    const input = inputOf(form, true);
    expect(input).toEqual({
      issuer: stored.issuer,
      clientId: 'amtsraum',
      label: { de: 'Rathaus-Konto', en: 'Town hall account' },
      scopes: 'openid email profile groups',
      roleClaim: 'roles',
      roleMapping: stored.roleMapping,
      provisionAccounts: true,
      enabled: false,
    });
    expect('clientSecret' in input).toBe(false);
    expect(problemPaths(input)).toEqual([]);
  });

  it('replaces, removes or keeps the secret as chosen', () => {
    const form = formOf(stored);
    expect(inputOf({ ...form, secretAction: 'replace', clientSecret: 'neu' }, true).clientSecret).toBe('neu');
    // "Replace" with nothing typed changes nothing rather than removing the secret by accident.
    expect('clientSecret' in inputOf({ ...form, secretAction: 'replace' }, true)).toBe(false);
    expect(inputOf({ ...form, secretAction: 'remove', clientSecret: 'ignored' }, true).clientSecret).toBeNull();
  });

  it('starts empty with the API defaults; a new provider without a secret is a public client', () => {
    const form = formOf(null);
    expect(form).toMatchObject({ scopes: 'openid email profile', roleClaim: 'groups', enabled: true, mapping: [] });
    expect(form.secretAction).toBe('replace');
    const input = inputOf({ ...form, issuer: ' https://idp.example ', clientId: 'c', labelDe: 'Konto' }, false);
    expect(input.clientSecret).toBeNull();
    expect(input.issuer).toBe('https://idp.example');
    expect(input.label).toEqual({ de: 'Konto' });
    expect(inputOf({ ...form, clientSecret: 's3cret' }, false).clientSecret).toBe('s3cret');
  });

  it('names the fields in the paths the server uses, each rule by its row', () => {
    const form = {
      ...formOf(null),
      issuer: 'ftp://idp.example',
      scopes: 'email  profile',
      mapping: [newRow({ value: 'ok', grant: 'tenantAdmin' }), newRow({ value: ' ', grant: 'clerk' })],
    };
    const paths = problemPaths(inputOf(form, false));
    expect(paths).toEqual(expect.arrayContaining(['issuer', 'clientId', 'label.de', 'scopes', 'roleMapping.1.value']));
    expect(paths).not.toContain('roleMapping.0');
    expect(fieldOrder(form)).toEqual([
      'issuer',
      'clientId',
      'clientSecret',
      'label',
      'scopes',
      'roleClaim',
      'roleMapping.0',
      'roleMapping.1',
      'roleMapping',
    ]);
  });

  it('asks for the department of a department role', () => {
    const form = { ...formOf(stored), mapping: [newRow({ value: 'kasse', grant: 'admin' })] };
    const input = inputOf(form, true);
    expect(input.roleMapping).toEqual([{ value: 'kasse', role: 'admin' }]);
    expect(problemPaths(input)).toEqual(['roleMapping.0']);
  });
});
