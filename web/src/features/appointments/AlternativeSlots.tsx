import type { Slot } from '@amtsraum/shared';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useSlotName } from './useSlotName';

interface AlternativeSlotsProps {
  /** Free slots the server offered after the chosen one was taken. */
  slots: Slot[];
  timeZone: string;
  onPick: (slot: Slot) => void;
  listTestId?: string;
}

/** "Diese Termine sind noch frei:" and a button for each. */
export function AlternativeSlots({ slots, timeZone, onPick, listTestId }: AlternativeSlotsProps) {
  const { t } = useTranslation('appointments');
  const id = useId();
  const slotName = useSlotName(timeZone);
  return (
    <>
      <p id={`${id}-alternatives`}>{t('details.alternatives')}</p>
      <ul className="slot-list" aria-labelledby={`${id}-alternatives`} data-testid={listTestId}>
        {slots.map((slot) => (
          <li key={slot.startsAt}>
            <button
              type="button"
              className="slot slot--wide"
              onClick={() => {
                onPick(slot);
              }}
            >
              {slotName(slot.startsAt)}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
