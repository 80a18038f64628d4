import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The clerk waits in the call for the citizen they let in, who has not come: "did not join", as on
 * the console ("Nicht erschienen", no confirmation there either). The visit ends as a no-show.
 */
export function NotJoined({ onNoShow }: { onNoShow: () => Promise<void> }) {
  const { t } = useTranslation('console');
  const [stage, setStage] = useState<'idle' | 'marking' | 'failed'>('idle');
  return (
    <div className="callout call__not-joined" data-testid="call-not-joined">
      <p>{t('callNotJoined.waiting')}</p>
      <button
        type="button"
        className="button"
        aria-disabled={stage === 'marking' || undefined}
        onClick={() => {
          if (stage === 'marking') return;
          setStage('marking');
          onNoShow().catch(() => {
            setStage('failed');
          });
        }}
      >
        {stage === 'marking' ? t('callNotJoined.marking') : t('console.noShowVideo')}
      </button>
      {stage === 'failed' && <p role="alert">{t('callNotJoined.failed')}</p>}
    </div>
  );
}
