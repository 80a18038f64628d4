import type { CallJoinResponse } from '@amtsraum/shared';

/**
 * What the call page hands to the "call ended" page in the history entry (kept over a reload):
 * whose call it was, so that page says what comes next for them.
 */
export interface CallEndedState {
  role: CallJoinResponse['self']['role'];
}
