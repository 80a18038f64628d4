import { useTranslation } from 'react-i18next';
import { Icon } from './icons';
import type { CallSnapshot } from './media/transport';
import './encryption.css';

/**
 * How the call is protected, always in view (KBV Anlage 31b asks for end-to-end encryption where
 * media passes a server), and an alert when someone's picture and sound cannot be decrypted here:
 * with a key that differs, the call shows only black tiles, and people must know why.
 */
export function EncryptionNotice({
  snapshot,
}: {
  snapshot: Pick<CallSnapshot, 'encryption' | 'undecryptable' | 'remotes'>;
}) {
  const { t } = useTranslation('calls');
  const names = snapshot.undecryptable.map(
    (identity) => snapshot.remotes.find((participant) => participant.identity === identity)?.name ?? identity,
  );
  return (
    <>
      <p
        className={`encryption encryption--${snapshot.encryption}`}
        data-testid="encryption"
        data-state={snapshot.encryption}
      >
        <Icon name="lock" />
        <span>{t(`encryption.${snapshot.encryption}`)}</span>
      </p>
      {names.length > 0 && (
        <p className="callout callout--warning encryption__failed" role="alert" data-testid="undecryptable">
          {t('encryption.undecryptable', { names: names.join(', ') })}
        </p>
      )}
    </>
  );
}
