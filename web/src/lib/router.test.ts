import { PAGES, pagePath, type PageName } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { matchRoute } from './router';

const ROUTES = (Object.keys(PAGES) as PageName[]).map((name) => ({ name, path: PAGES[name].path }));
const pageAt = (pathname: string) => matchRoute(ROUTES, pathname);

describe('matchRoute over the page table', () => {
  it('finds every page at its own path', () => {
    const params = { tenant: 't', department: 'd', visitId: 'v', departmentId: 'x' };
    for (const { name, path } of ROUTES) {
      const filled = path.replace(/:([A-Za-z]+)/g, (_match, key: keyof typeof params) => params[key]);
      expect(pageAt(filled)?.route.name, filled).toBe(name);
    }
  });

  it('prefers fixed segments over parameters', () => {
    expect(pageAt('/staff/login')?.route.name).toBe('staffLogin');
    expect(pageAt('/staff/7f0c')?.route).toMatchObject({ name: 'console' });
    expect(pageAt('/termin/beitreten')?.route.name).toBe('joinAppointment');
    expect(pageAt('/call/abc')?.route.name).toBe('call');
    expect(pageAt('/einladung')?.route.name).toBe('invite');
    expect(pageAt('/musterstadt/buergeramt')?.route.name).toBe('department');
    expect(pageAt('/musterstadt/buergeramt/wait')?.route.name).toBe('waitingRoom');
  });

  it('decodes parameters, ignores a trailing slash and the case of fixed segments', () => {
    const path = pagePath('department', { tenant: 'bad ort', department: 'amt/ä' });
    expect(pageAt(path)?.params).toEqual({ tenant: 'bad ort', department: 'amt/ä' });
    expect(pageAt('/staff/login/')?.route.name).toBe('staffLogin');
    expect(pageAt('/Staff/Login')?.route.name).toBe('staffLogin');
  });

  it('keeps a malformed escape as typed', () => {
    expect(pageAt('/%E0%A4%A')?.params).toEqual({ tenant: '%E0%A4%A' });
  });

  it('matches nothing for paths deeper than any page', () => {
    expect(pageAt('/a/b/c/d')).toBeNull();
    expect(pageAt('/a/b/termin/x')).toBeNull();
  });
});
