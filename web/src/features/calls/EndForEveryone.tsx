import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ControlButton } from './ControlButton';

// The clerk's only, loaded when their call shows: not in every citizen's call page (its budget,
// web/vite.config.ts).

/** "End the call for everyone", asked once more before it is done. */
export function EndForEveryone({ onEnd }: { onEnd: () => Promise<void> }) {
  const { t } = useTranslation('calls');
  const [stage, setStage] = useState<'idle' | 'confirm' | 'ending' | 'failed'>('idle');
  // The question goes away on an answer (or a failure): focus goes back to the button that asked
  // it, not to the page's start (a keyboard user was a dozen Tab presses from the controls).
  const endButton = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (stage === 'confirm') asked.current = true;
    else if ((stage === 'idle' || stage === 'failed') && asked.current) {
      asked.current = false;
      endButton.current?.focus();
    }
  }, [stage]);
  if (stage === 'idle' || stage === 'failed') {
    return (
      <>
        <ControlButton
          ref={endButton}
          icon="end"
          danger
          label={t('controls.end')}
          onClick={() => {
            setStage('confirm');
          }}
        />
        {stage === 'failed' && (
          <p role="alert" className="call__end-error">
            {t('controls.endFailed')}
          </p>
        )}
      </>
    );
  }
  return (
    <ConfirmEnd
      ending={stage === 'ending'}
      onYes={() => {
        if (stage === 'ending') return;
        setStage('ending');
        onEnd().catch(() => {
          setStage('failed');
        });
      }}
      onNo={() => {
        setStage('idle');
      }}
    />
  );
}

function ConfirmEnd({ ending, onYes, onNo }: { ending: boolean; onYes: () => void; onNo: () => void }) {
  const { t } = useTranslation('calls');
  const yes = useRef<HTMLButtonElement>(null);
  // The question appears in place of the button: focus goes to it, so keyboard users answer at once.
  useEffect(() => {
    yes.current?.focus();
  }, []);
  return (
    <div className="call__confirm" role="group" aria-label={t('controls.end')}>
      <p>{t('controls.endConfirm')}</p>
      <button ref={yes} type="button" className="button button--danger" aria-disabled={ending} onClick={onYes}>
        {ending ? t('controls.ending') : t('controls.endYes')}
      </button>
      <button type="button" className="button" onClick={onNo}>
        {t('controls.endNo')}
      </button>
    </div>
  );
}
