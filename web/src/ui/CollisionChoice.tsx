import type { Collision, Resolution } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocalize } from '../lib/useLocalize';
import { formatClock, formatLongDate } from './format';
import './collisions.css';

export type Resolutions = Record<string, Resolution>;

/**
 * The booked appointments a change would hit (a clerk's hours or absence, a closure, the holiday
 * prefill; issue 15, item 3), each with the admin's choice: move (to the next free slot, or to one
 * of the free slots the server offers under the change), cancel (both e-mail the citizen), or keep
 * as an exception. Applying sends the change again with the choices; a move that found no free
 * slot comes back marked, with nothing stored, to be chosen again. Its heading takes the focus
 * when it appears, so a keyboard user starts at the list. Texts: the `collisions` namespace,
 * which the pages that show it load with their chunk.
 */
export function CollisionChoice({
  collisions,
  timeZone,
  onApply,
  onCancel,
}: {
  collisions: Collision[];
  timeZone: string;
  onApply: (resolutions: Resolutions) => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation('collisions');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const localize = useLocalize();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const [choices, setChoices] = useState<Record<string, Resolution['action']>>(() =>
    Object.fromEntries(collisions.map((c) => [c.appointmentId, c.resolvable ? 'move' : 'keep'])),
  );
  // The chosen new start per appointment; "" (or none) is the next free slot.
  const [targets, setTargets] = useState<Record<string, string>>({});
  const at = (iso: string) =>
    `${formatLongDate(new Date(iso), locale, timeZone)}, ${formatClock(new Date(iso), locale, timeZone)}`;
  const resolutionOf = (appointmentId: string, action: Resolution['action']): Resolution =>
    action === 'move' && targets[appointmentId] ? { action, startsAt: targets[appointmentId] } : { action };
  return (
    <div className="collisions" role="alert" aria-labelledby={`${id}-title`} data-testid="collisions">
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t('title', { count: collisions.length })}
      </h3>
      <p>{t('intro')}</p>
      {collisions.map((c) => {
        const moving = choices[c.appointmentId] === 'move';
        const selectId = `${id}-${c.appointmentId}-to`;
        return (
          <fieldset
            key={c.appointmentId}
            className="field collisions__item"
            data-testid={`collision-${c.appointmentId}`}
          >
            <legend>
              {at(c.startsAt)} · {c.services.map((s) => localize(s).text).join(', ')} · {c.clerkName}
              {c.citizenName && ` · ${c.citizenName}`}
            </legend>
            {c.notMoved && <p className="notice notice--warning">{t('notMoved')}</p>}
            {(['move', 'cancel', 'keep'] as const)
              .filter((action) => c.resolvable || action === 'keep')
              .map((action) => (
                <label key={action} className="choice">
                  <input
                    type="radio"
                    name={`${id}-${c.appointmentId}`}
                    value={action}
                    checked={choices[c.appointmentId] === action}
                    onChange={() => setChoices((all) => ({ ...all, [c.appointmentId]: action }))}
                  />
                  {t(action)}
                </label>
              ))}
            {moving && c.moveChoices && c.moveChoices.length > 0 && (
              <div className="collisions__target">
                <label htmlFor={selectId}>{t('moveTo')}</label>
                <select
                  id={selectId}
                  value={targets[c.appointmentId] ?? ''}
                  onChange={(event) => setTargets((all) => ({ ...all, [c.appointmentId]: event.target.value }))}
                >
                  <option value="">{t('nextFree')}</option>
                  {c.moveChoices.map((slot) => (
                    <option key={slot.startsAt} value={slot.startsAt}>
                      {at(slot.startsAt)}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {moving && c.moveChoices?.length === 0 && <p>{t('noFreeSlot')}</p>}
          </fieldset>
        );
      })}
      <div className="button-row">
        <button
          type="button"
          className="button"
          onClick={() =>
            onApply(
              Object.fromEntries(
                Object.entries(choices).map(([appointmentId, action]) => [
                  appointmentId,
                  resolutionOf(appointmentId, action),
                ]),
              ),
            )
          }
        >
          {t('apply')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('back')}
        </button>
      </div>
    </div>
  );
}
