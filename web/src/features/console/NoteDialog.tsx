import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { useSay, type Message } from '../../lib/message';
import { noteConfirmer, type ConfirmOutcome } from './note-confirm';

interface NoteDialogProps {
  title: string;
  /** Shown between the title and the note, e.g. which appointment it is. */
  children?: ReactNode;
  noteLabel: string;
  noteHint: string;
  confirmLabel: string;
  abortLabel: string;
  /** Takes focus on close when the button that opened the dialog is gone; else the page's h1. */
  fallbackFocus?: RefObject<HTMLElement | null>;
  /**
   * Called with the trimmed note (possibly empty). Resolves with null when done (the dialog
   * closes), or with what went wrong: the dialog then stays open with the note and says it.
   */
  onConfirm: (note: string) => Promise<ConfirmOutcome>;
  onClose: () => void;
  /**
   * Said while the dialog is open when there is nothing left to confirm (the person left the
   * queue or was let in meanwhile): the confirmation is off, the way out stays.
   */
  gone?: string;
}

/**
 * A native modal dialog for turning someone away with an optional note (declining a knock,
 * cancelling an appointment): the second button is the confirmation. Render it while it is
 * open: focus moves into the note on open and back to the opener on close.
 */
export function NoteDialog({
  title,
  children,
  noteLabel,
  noteHint,
  confirmLabel,
  abortLabel,
  fallbackFocus,
  onConfirm,
  onClose,
  gone,
}: NoteDialogProps) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Message | null>(null);
  const say = useSay();
  // One per dialog: it ignores a second press while the first is on its way.
  const [confirm] = useState(noteConfirmer);
  // Not while a confirmation is on its way: its own success takes the person off the list too.
  const nothingLeft = gone && !busy ? gone : null;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const fallback = fallbackFocus?.current ?? null;
    dialog.showModal();
    noteRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // The row may be gone (declined, cancelled): then focus a heading instead of nothing.
      if (opener?.isConnected) opener.focus();
      else (fallback ?? document.querySelector<HTMLElement>('main h1'))?.focus();
    };
  }, [fallbackFocus]);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${id}-title`} onClose={onClose} onCancel={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (nothingLeft) return;
          void confirm(note, {
            onConfirm,
            setBusy,
            setFailure: (next) => {
              setFailure(next);
              // Said at once (role=alert); focus goes back to the note, which is kept.
              if (next) noteRef.current?.focus();
            },
            close: onClose,
          });
        }}
        aria-busy={busy || undefined}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        {children}
        <p
          id={`${id}-failure`}
          role="alert"
          className={failure || nothingLeft ? 'notice notice--warning' : 'visually-hidden'}
          data-testid="note-dialog-failure"
        >
          {failure ? say(failure) : nothingLeft}
        </p>
        <div className="field">
          <label htmlFor={`${id}-note`}>{noteLabel}</label>
          <p id={`${id}-hint`} className="field__hint">
            {noteHint}
          </p>
          <textarea
            ref={noteRef}
            id={`${id}-note`}
            rows={3}
            maxLength={300}
            value={note}
            aria-describedby={failure ? `${id}-hint ${id}-failure` : `${id}-hint`}
            onChange={(event) => {
              setNote(event.target.value);
            }}
          />
        </div>
        <div className="button-row">
          <button type="submit" className="button button--danger" aria-disabled={busy || !!nothingLeft || undefined}>
            {confirmLabel}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose}>
            {abortLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
