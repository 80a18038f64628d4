import { describe, expect, it } from 'vitest';
import { PAGES, pagePath, pageUrl } from './pages.js';

describe('page paths', () => {
  it('fills and encodes parameters', () => {
    expect(pagePath('home')).toBe('/');
    expect(pagePath('waitingRoom', { tenant: 'musterstadt', department: 'bürgeramt' })).toBe(
      '/musterstadt/b%C3%BCrgeramt/wait',
    );
    expect(pagePath('call', { visitId: 'a/b' })).toBe('/call/a%2Fb');
  });

  it('refuses a missing parameter', () => {
    expect(() => pagePath('tenant', { tenant: '' })).toThrow(/missing tenant/);
  });

  it('builds absolute links under a base URL with a path, fragment kept out of the path', () => {
    expect(pageUrl('https://example.de/amt/', 'invite', [], 'tok.en')).toBe('https://example.de/amt/einladung#tok.en');
    expect(pageUrl(new URL('https://example.de/amt'), 'joinAppointment', [], 'x')).toBe(
      'https://example.de/amt/termin/beitreten#x',
    );
    expect(pageUrl('http://127.0.0.1:3000', 'department', [{ tenant: 't', department: 'd' }])).toBe(
      'http://127.0.0.1:3000/t/d',
    );
  });

  it('has one path per page', () => {
    const paths = Object.values(PAGES).map((page) => page.path);
    expect(new Set(paths).size).toBe(paths.length);
  });
});
