import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { guardLeaving } from '../lib/leave-guard';

/**
 * While `unsavedChanges`, leaving the page by one of its links or the browser's Back asks first,
 * and so does the browser when the tab is reloaded or closed: an administrator's typing is not
 * lost by a click on "back to the municipality" between two forms of a long page. For the admin
 * pages only (their lazy components load the `admin` namespace), never the citizens' first download.
 */
export function useLeaveGuard(unsavedChanges: boolean): void {
  const { t } = useTranslation('admin');
  const question = t('form.leaveUnsaved');
  useEffect(
    () => (unsavedChanges ? guardLeaving(question, { unload: true, history: true }) : undefined),
    [unsavedChanges, question],
  );
}
