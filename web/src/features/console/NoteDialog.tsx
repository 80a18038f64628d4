import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';

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
  /** Called with the trimmed note (possibly empty); the dialog closes when it settles. */
  onConfirm: (note: string) => Promise<unknown>;
  onClose: () => void;
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
}: NoteDialogProps) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const [note, setNote] = useState('');

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
          void onConfirm(note.trim()).finally(onClose);
        }}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        {children}
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
            aria-describedby={`${id}-hint`}
            onChange={(event) => {
              setNote(event.target.value);
            }}
          />
        </div>
        <div className="button-row">
          <button type="submit" className="button button--danger">
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
