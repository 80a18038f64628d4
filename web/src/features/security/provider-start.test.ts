import { describe, expect, it } from 'vitest';
import { returnPathOf, signInState } from '../../lib/session-ended';
import { providerStartHref, rememberSignInTenant, signInTenant } from './provider-start';

const START = '/api/auth/oidc/testhausen/start';

describe('providerStartHref', () => {
  it('sends the page that asked for the sign-in along, with its query', () => {
    const back = returnPathOf(signInState({ pathname: '/admin/testhausen/audit', search: '?from=2026-01-01&q=a' }));
    const href = new URL(providerStartHref(START, back), 'https://amtsraum.example');
    expect(href.pathname).toBe(START);
    expect(href.searchParams.get('returnTo')).toBe('/admin/testhausen/audit?from=2026-01-01&q=a');
  });

  it('sends nothing when no page asked, or the path is not one of the staff or admin pages', () => {
    expect(providerStartHref(START, null)).toBe(START);
    for (const back of ['/elsewhere', '/staff/%2F%2Fevil.example', '/staff/../x', `/staff/${'a'.repeat(1000)}`]) {
      expect(providerStartHref(START, back)).toBe(START);
    }
  });
});

describe('the municipality whose provider the sign-in page offers', () => {
  const memory = () => {
    const kept = new Map<string, string>();
    return {
      getItem: (key: string) => kept.get(key) ?? null,
      setItem: (key: string, value: string) => void kept.set(key, value),
    };
  };

  it('is the one the address names, else the one this browser last signed in through', () => {
    const store = memory();
    expect(signInTenant(null, store)).toBeNull();
    rememberSignInTenant('testhausen', store);
    // A console's session ended: /staff/login without ?tenant= still offers Testhausen's provider.
    expect(signInTenant(null, store)).toBe('testhausen');
    expect(signInTenant('musterstadt', store)).toBe('musterstadt');
  });

  it('takes only a slug, from the address or from storage', () => {
    const store = memory();
    rememberSignInTenant('../evil', store);
    expect(signInTenant(null, store)).toBeNull();
    store.setItem('amtsraum.signIn.tenant', 'Not A Slug');
    expect(signInTenant(null, store)).toBeNull();
    expect(signInTenant('a/b', store)).toBeNull();
  });

  it('works without storage (privacy settings) from the address alone', () => {
    const refusing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(() => rememberSignInTenant('testhausen', refusing)).not.toThrow();
    expect(signInTenant(null, refusing)).toBeNull();
    expect(signInTenant('testhausen', null)).toBe('testhausen');
  });
});
