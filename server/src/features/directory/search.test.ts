import { SearchResponseSchema } from '@amtsraum/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeService, makeTenant } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { demoInstallation } from '../setup/demo-seed.js';
import { applyInstallation } from '../setup/installation.service.js';
import { fold, words } from './search.js';

const NOW = new Date('2026-11-23T09:00:00Z'); // a Monday morning in Berlin

describe('search words', () => {
  it('folds case, umlauts and ß both ways citizens type them', () => {
    expect(fold('Führungszeugnis')).toBe(fold('FUEHRUNGSZEUGNIS'));
    expect(fold('Straße')).toBe(fold('strasse'));
    expect(words('Bürgeramt, Fundbüro!')).toEqual(['burgeramt', 'fundburo']);
  });
});

describe.each(databaseKinds)('finding the right office on %s', (kind) => {
  const { client, db } = useTestServer(kind, { now: () => NOW });
  beforeAll(async () => {
    // The demo installation as it ships: its keywords are what this search is for.
    await applyInstallation(db(), demoInstallation(NOW, 'demo-passwort'));
  });

  const search = async (q: string, tenant = 'musterstadt') => {
    const answer = await client().get(`/api/search?q=${encodeURIComponent(q)}&tenant=${tenant}`);
    expect(answer.status).toBe(200);
    return SearchResponseSchema.parse(answer.json).results;
  };

  it('finds services by the words citizens use, with the department’s ways in', async () => {
    const [perso] = await search('Perso');
    expect(perso?.department.slug).toBe('buergeramt');
    expect(perso?.services[0]?.slug).toBe('personalausweis');
    expect(perso?.department.door.state).toMatch(/open|closed|paused/);

    const [ummelden] = await search('ummelden');
    expect(ummelden?.department.slug).toBe('buergeramt');
    expect(ummelden?.services.map((service) => service.slug)).toContain('wohnsitz-anmelden');

    const [fund] = await search('Fundsache');
    expect(fund?.department.slug).toBe('fundbuero');
    expect(fund?.services[0]?.slug).toBe('fundsache-abholen');

    const [zeugnis] = await search('fuehrungszeugnis');
    expect(zeugnis?.services[0]?.onlineUrl).toMatch(/^https:\/\//);

    const [english] = await search('ID card');
    expect(english?.services[0]?.slug).toBe('personalausweis');

    const [byName] = await search('Gewerbeamt');
    expect(byName?.department.slug).toBe('gewerbeamt');

    expect(await search('Hundesteuer Raumschiff')).toEqual([]);
  });

  it('keeps to the municipality asked for, and searches all of them without one', async () => {
    const other = await makeTenant(db(), { name: 'Andersdorf' });
    const department = await makeDepartment(db(), other.id, { slug: 'einwohneramt' });
    await makeService(db(), department.id, { name: { de: 'Personalausweis' }, keywords: { de: ['Perso'] } });

    const here = await search('Perso');
    expect(here.map((result) => result.tenant.slug)).toEqual(['musterstadt']);
    const there = await search('Perso', other.slug);
    expect(there.map((result) => [result.tenant.slug, result.department.slug])).toEqual([[other.slug, 'einwohneramt']]);

    const everywhere = SearchResponseSchema.parse((await client().get('/api/search?q=Perso')).json).results;
    expect(everywhere.map((result) => result.tenant.slug)).toEqual(expect.arrayContaining(['musterstadt', other.slug]));
  });

  it('refuses a query that is missing, too short or too long, or a bad municipality', async () => {
    for (const query of ['', '?q=a', `?q=${'x'.repeat(101)}`, '?q=Perso&tenant=Nicht%20gut']) {
      const answer = await client().get(`/api/search${query}`);
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe('validation_failed');
    }
  });
});
