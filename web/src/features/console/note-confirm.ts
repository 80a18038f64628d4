import { toApiError } from '../../lib/api';
import { problemMessage, type Message } from '../../lib/message';

/**
 * What a dialog's confirmation came to: null when it is done, or what went wrong, in words the
 * dialog shows (a rejection counts as the API error it carries).
 */
export type ConfirmOutcome = Message | null;

export interface ConfirmSteps {
  onConfirm: (note: string) => Promise<ConfirmOutcome>;
  setBusy: (busy: boolean) => void;
  setFailure: (failure: Message | null) => void;
  /** Only after success: the note was sent and is no longer needed. */
  close: () => void;
}

/**
 * Sends a note once at a time: busy while it runs (a second press is ignored), closed on success,
 * and on failure still open with the note and the reason, to send again or abort. One confirmer
 * per dialog; each call gets the dialog's current callbacks.
 */
export function noteConfirmer() {
  let running = false;
  return async (note: string, steps: ConfirmSteps): Promise<void> => {
    if (running) return;
    running = true;
    steps.setBusy(true);
    steps.setFailure(null);
    let outcome: ConfirmOutcome;
    try {
      outcome = await steps.onConfirm(note.trim());
    } catch (error) {
      outcome = problemMessage(toApiError(error));
    }
    running = false;
    steps.setBusy(false);
    if (outcome) steps.setFailure(outcome);
    else steps.close();
  };
}
