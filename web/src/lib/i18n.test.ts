import { SUPPORTED_LOCALES } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import otherLanguages from '../locales/other-languages';
import { NAMESPACES } from '../locales/namespaces';
import { resources } from '../locales/resources';
import { chunkBackend, everyNamespace } from './i18n';

function read(language: string, namespace: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    chunkBackend.read(language, namespace, (error, data) => (error ? reject(error) : resolve(data)));
  });
}

/** The backend's answer with its second argument: for a failure, whether i18next should ask again. */
function answer(language: string, namespace: string): Promise<{ error: unknown; data: unknown }> {
  return new Promise((resolve) => {
    chunkBackend.read(language, namespace, (error, data) => resolve({ error, data }));
  });
}

describe('the translations backend', () => {
  it('lists every namespace of every language but German in the map loaded later, and no German', () => {
    const expected = SUPPORTED_LOCALES.filter((locale) => locale !== 'de').flatMap((locale) =>
      Object.keys(resources[locale]).map((namespace) => `./${locale}/${namespace}.json`),
    );
    expect(Object.keys(otherLanguages).sort()).toEqual(expected.sort());
  });

  it('reads a German namespace from the first download’s list and an English one through the later map', async () => {
    await expect(read('de', 'visits')).resolves.toEqual(resources.de.visits);
    await expect(read('en', 'visits')).resolves.toEqual(resources.en.visits);
    await expect(read('en', 'common')).resolves.toEqual(resources.en.common);
  });

  it('names every namespace but the first page’s for the staff area, each once', () => {
    const named = everyNamespace();
    expect(new Set(named).size).toBe(named.length);
    expect([...named, 'common', 'directory'].sort()).toEqual([...NAMESPACES].sort());
  });

  it('answers an unknown namespace or language with an error, not a hang, and not to be asked again', async () => {
    await expect(read('en', 'nothing-here')).rejects.toThrow('no words: en/nothing-here');
    await expect(read('xx', 'common')).rejects.toThrow('no words: xx/common');
    expect(await answer('en', 'nothing-here')).toMatchObject({ data: false });
  });
});
