import { describe, expect, it } from 'vitest';
import { isSessionEnded, returnPathOf, returnTo, signInPage, signInState } from './session-ended';

describe('returnPathOf', () => {
  it('gives back the staff page that sent someone to sign in', () => {
    expect(returnPathOf(returnTo('/staff/4b1f'))).toBe('/staff/4b1f');
  });

  it('takes paths of this site only', () => {
    for (const path of ['//evil.example/x', '/\\evil.example', 'https://evil.example', 'staff', 42]) {
      expect(returnPathOf({ returnTo: path })).toBeNull();
    }
    expect(returnPathOf(null)).toBeNull();
    expect(returnPathOf({ sessionEnded: true })).toBeNull();
  });
});

describe('signInState', () => {
  it('names the page with its query, and says whether a session ended there', () => {
    const page = { pathname: '/admin/testhausen/staff', search: '?q=1' };
    expect(returnPathOf(signInState(page))).toBe('/admin/testhausen/staff?q=1');
    expect(isSessionEnded(signInState(page))).toBe(false);
    expect(isSessionEnded(signInState(page, true))).toBe(true);
    expect(returnPathOf(signInState(page, true))).toBe('/admin/testhausen/staff?q=1');
  });
});

describe('signInPage', () => {
  it('names the municipality of an administration page, so its identity provider is offered', () => {
    expect(signInPage('/admin/testhausen/departments/termine/services')).toEqual({
      pathname: '/staff/login',
      search: '?tenant=testhausen',
    });
    expect(signInPage('/admin/testhausen')).toEqual({ pathname: '/staff/login', search: '?tenant=testhausen' });
  });

  it('names none for the other staff pages and the installation', () => {
    for (const path of ['/staff/4b1f', '/admin', '/admin/installation', '/admin/Testhausen/x']) {
      expect(signInPage(path)).toEqual({ pathname: '/staff/login', search: '' });
    }
  });
});
