import { INVITE_ROLE_NAMES, SUPPORTED_LOCALES } from '@amtsraum/shared';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import deInvites from '../../locales/de/invites.json';
import enInvites from '../../locales/en/invites.json';
import { resources } from '../../locales/resources';
import { inviteName, isRoleName, lobbyGuestNames } from './role-label';

const i18n = i18next.createInstance();

beforeAll(async () => {
  await i18n.init({
    lng: 'de',
    fallbackLng: 'de',
    resources: { de: { invites: deInvites }, en: { invites: enInvites } },
    interpolation: { escapeValue: false },
  });
});

/** The clerk's lobby line, as the console and the call page show it. */
function line(invite: { role: 'interpreter' | 'guest'; label: string }, name: string) {
  const { who, name: short } = lobbyGuestNames(i18n, invite, { name });
  return [i18n.t('invites:lobby.waiting', { who }), i18n.t('invites:panel.admit', { name: short })];
}

describe('a guest waiting in a lobby, as the clerk reads it', () => {
  it('names the guest and the link’s label', async () => {
    await i18n.changeLanguage('de');
    expect(line({ role: 'guest', label: 'Betreuerin' }, 'Jana Berg')).toEqual([
      'Jana Berg („Betreuerin“) wartet auf Einlass.',
      'Jana Berg hereinlassen',
    ]);
  });

  it('says the role once for a link without a label and a guest without a name', async () => {
    await i18n.changeLanguage('de');
    // It said "Dolmetscherin/Dolmetscher („Dolmetscherin/Dolmetscher“) wartet auf Einlass."
    expect(line({ role: 'interpreter', label: 'Dolmetscherin/Dolmetscher' }, 'Dolmetscherin/Dolmetscher')).toEqual([
      'Dolmetscherin/Dolmetscher wartet auf Einlass.',
      'Dolmetscherin/Dolmetscher hereinlassen',
    ]);
    await i18n.changeLanguage('en');
    // Made by a clerk in German, read in English: the role in English, once.
    expect(line({ role: 'interpreter', label: 'Dolmetscherin/Dolmetscher' }, 'Dolmetscherin/Dolmetscher')).toEqual([
      'Interpreter is waiting to be let in.',
      'Let Interpreter in',
    ]);
    expect(line({ role: 'guest', label: 'Guest' }, 'Guest')).toEqual([
      'Guest is waiting to be let in.',
      'Let Guest in',
    ]);
  });

  it('names a guest without a name by the link’s label once', async () => {
    await i18n.changeLanguage('de');
    expect(line({ role: 'guest', label: 'Betreuerin' }, 'Betreuerin')).toEqual([
      'Betreuerin wartet auf Einlass.',
      'Betreuerin hereinlassen',
    ]);
  });

  it('names a guest of a link without a label by name and role, in either language', async () => {
    await i18n.changeLanguage('de');
    expect(line({ role: 'interpreter', label: 'Dolmetscherin/Dolmetscher' }, 'Elif Demir')[0]).toBe(
      'Elif Demir (Dolmetscherin/Dolmetscher) wartet auf Einlass.',
    );
    await i18n.changeLanguage('en');
    expect(line({ role: 'interpreter', label: 'Dolmetscherin/Dolmetscher' }, 'Elif Demir')[0]).toBe(
      'Elif Demir (Interpreter) is waiting to be let in.',
    );
  });
});

describe('a label that is a role’s name in another language than the page’s', () => {
  /**
   * A browser that loaded one language only, as a German invitee's does (German is also the
   * fallback, so an English page has German too; a German page has no English).
   */
  async function onlyIn(language: 'de' | 'en') {
    const alone = i18next.createInstance();
    await alone.init({
      lng: language,
      fallbackLng: false,
      resources: { [language]: { invites: language === 'de' ? deInvites : enInvites } },
      interpolation: { escapeValue: false },
    });
    return alone;
  }

  it('knows the role names the pages say, in every language', () => {
    for (const locale of SUPPORTED_LOCALES) expect(resources[locale].invites.roles).toEqual(INVITE_ROLE_NAMES[locale]);
  });

  it('takes the English role name on a German page for the role, and the German one on an English page', async () => {
    // "als Dolmetscherin oder Dolmetscher („Interpreter“)" before, on a German page.
    expect(isRoleName('interpreter', 'Interpreter')).toBe(true);
    expect(isRoleName('guest', 'Guest')).toBe(true);
    expect(isRoleName('interpreter', 'Dolmetscherin/Dolmetscher')).toBe(true);
    expect(isRoleName('guest', 'gast')).toBe(true);
    expect(isRoleName('guest', 'Interpreter')).toBe(false);
    expect(isRoleName('interpreter', 'Dolmetscherin Türkisch')).toBe(false);

    const german = await onlyIn('de');
    const t = german.getFixedT('de', 'invites');
    expect(inviteName(t, { role: 'interpreter', label: 'Interpreter' })).toEqual({
      label: 'Dolmetscherin/Dolmetscher',
      role: null,
    });
    const lobby = lobbyGuestNames(german, { role: 'interpreter', label: 'Interpreter' }, { name: 'Elif Demir' });
    expect(german.t('invites:lobby.waiting', { who: lobby.who })).toBe(
      'Elif Demir (Dolmetscherin/Dolmetscher) wartet auf Einlass.',
    );

    const english = await onlyIn('en');
    expect(inviteName(english.getFixedT('en', 'invites'), { role: 'guest', label: 'Gast' })).toEqual({
      label: 'Guest',
      role: null,
    });
    const nameless = lobbyGuestNames(english, { role: 'guest', label: 'Gast' }, { name: 'Gast' });
    expect(english.t('invites:lobby.waiting', { who: nameless.who })).toBe('Guest is waiting to be let in.');
    // The clerk's own words stay, with the role beside them.
    expect(inviteName(english.getFixedT('en', 'invites'), { role: 'guest', label: 'Betreuer' })).toEqual({
      label: 'Betreuer',
      role: 'Guest',
    });
  });
});
