import type { StaffMe } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { rolesNews } from './roles-news';

type Staff = StaffMe['staff'];

const office = (id: string, de: string, role: 'clerk' | 'admin' = 'clerk') => ({
  id: `00000000-0000-4000-8000-00000000000${id}`,
  slug: `amt-${id}`,
  name: { de },
  tenantSlug: 'musterstadt',
  tenantName: 'Musterstadt',
  role,
});

const staff = (departments: Staff['departments'], isTenantAdmin = false): Staff => ({
  id: '00000000-0000-4000-8000-0000000000ff',
  name: 'Mehmet Yılmaz',
  email: 'mehmet@test.example',
  languages: ['de'],
  tenantSlug: 'musterstadt',
  isTenantAdmin,
  isInstallationAdmin: false,
  secondFactor: { enrolled: false, proved: false },
  departments,
  rolesKey: 'key',
});

describe('what the staff home says when its offices were loaded again', () => {
  const buero = office('1', 'Bürgerbüro');
  const standesamt = office('2', 'Standesamt');

  it('says nothing when only an office’s name changed (the list shows the new one)', () => {
    // The server's key covers the names, so it differs too: the news must not follow the key.
    const renamed = { ...staff([{ ...buero, name: { de: 'Bürgerbüro Mitte' } }, standesamt]), rolesKey: 'renamed' };
    expect(rolesNews(staff([buero, standesamt]), renamed)).toBe(null);
  });

  it('names an office archived or taken, and one given', () => {
    expect(rolesNews(staff([buero, standesamt]), staff([buero]))).toEqual({
      added: [],
      removed: [standesamt],
      other: false,
    });
    expect(rolesNews(staff([buero]), staff([buero, standesamt]))).toEqual({
      added: [standesamt],
      removed: [],
      other: false,
    });
  });

  it('says the roles changed when a role was raised or the administration given', () => {
    expect(rolesNews(staff([buero]), staff([{ ...buero, role: 'admin' }]))?.other).toBe(true);
    expect(rolesNews(staff([buero]), staff([buero], true))?.other).toBe(true);
  });
});
