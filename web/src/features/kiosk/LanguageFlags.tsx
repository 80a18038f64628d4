import type { Locale } from '@amtsraum/shared';
import type { ReactElement } from 'react';
import { LanguageButtons } from '../../ui/LanguageSwitcher';

/** Flags drawn here (no emoji: tablets without a flag font show two letters instead). */
const FLAGS: Record<Locale, ReactElement> = {
  de: (
    <svg viewBox="0 0 5 3" className="kiosk-flag" aria-hidden="true" focusable="false">
      <rect width="5" height="1" y="0" fill="#000" />
      <rect width="5" height="1" y="1" fill="#d00" />
      <rect width="5" height="1" y="2" fill="#ffce00" />
    </svg>
  ),
  en: (
    <svg viewBox="0 0 60 30" className="kiosk-flag" aria-hidden="true" focusable="false">
      <rect width="60" height="30" fill="#012169" />
      <path d="M0,0 L60,30 M60,0 L0,30" stroke="#fff" strokeWidth="6" />
      <path d="M0,0 L60,30 M60,0 L0,30" stroke="#c8102e" strokeWidth="2" />
      <path d="M30,0 V30 M0,15 H60" stroke="#fff" strokeWidth="10" />
      <path d="M30,0 V30 M0,15 H60" stroke="#c8102e" strokeWidth="6" />
    </svg>
  ),
};

const FLAG_CLASSES = { group: 'kiosk-languages', label: 'visually-hidden', option: 'kiosk-language' };

/**
 * The kiosk's language choice: a flag and the language's name in itself, as big buttons. The
 * choice is not remembered: the next person starts in German again.
 */
export function LanguageFlags({ onChoose }: { onChoose: (locale: Locale) => void }) {
  return (
    <LanguageButtons
      classes={FLAG_CLASSES}
      onChoose={onChoose}
      content={(locale, name) => (
        <>
          {FLAGS[locale]}
          <span>{name}</span>
        </>
      )}
    />
  );
}
