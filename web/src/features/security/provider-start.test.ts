import { describe, expect, it } from 'vitest';
import { returnPathOf, signInState } from '../../lib/session-ended';
import { providerStartHref } from './provider-start';

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
