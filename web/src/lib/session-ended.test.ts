import { describe, expect, it } from 'vitest';
import { isSessionEnded, returnPathOf, returnTo, signInPage, signInReturnPath, signInState } from './session-ended';

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

describe('signInReturnPath', () => {
  const search = (returnTo: string) => new URLSearchParams({ tenant: 'testhausen', oidcError: 'failed', returnTo });

  it('takes the page from the history state, else from a refused provider sign-in’s address', () => {
    expect(signInReturnPath(returnTo('/staff/4b1f'), search('/admin/testhausen/audit'))).toBe('/staff/4b1f');
    expect(signInReturnPath(null, search('/admin/testhausen/audit?q=M%C3%BCller'))).toBe(
      '/admin/testhausen/audit?q=M%C3%BCller',
    );
    expect(signInReturnPath(null, new URLSearchParams())).toBeNull();
  });

  it('takes from the address only a staff or admin page of this site', () => {
    for (const path of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/staff',
      '/elsewhere',
      '/staff/%2F%2Fx',
    ]) {
      expect(signInReturnPath(null, search(path)), path).toBeNull();
    }
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
