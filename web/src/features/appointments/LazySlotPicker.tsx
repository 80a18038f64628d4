import { Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { lazyComponent } from '../../lib/lazy-component';
import type { SlotPickerProps } from './SlotPicker';

/**
 * The calendar of free slots, loaded after the page it is on stands: the booking page shows it
 * at its second step, the manage page when a move is asked for (decision 020: their budgets).
 * The page calls `usePreloadedSlotPicker` so it is usually there when needed.
 */
const Loaded = lazyComponent(() => import('./slot-picker-chunk').then((m) => m.SlotPicker), []);

/** Starts loading the calendar once the page has rendered; a failure is tried again when it is shown. */
export function usePreloadedSlotPicker(): void {
  useEffect(() => {
    Loaded.preload().catch(() => undefined);
  }, []);
}

export function LazySlotPicker(props: SlotPickerProps) {
  const { t } = useTranslation('appointments');
  return (
    <Suspense fallback={<p role="status">{t('slots.loading')}</p>}>
      <Loaded {...props} />
    </Suspense>
  );
}
