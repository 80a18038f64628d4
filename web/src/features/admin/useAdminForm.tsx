import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Collision } from '@amtsraum/shared';
import { toApiError } from '../../lib/api';
import { CollisionError } from '../../lib/collisions';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { ErrorSummary, useFieldErrors } from '../../ui/forms';
import { isLostRight, LostRight, useSessionEnded } from '../../ui/LostRight';
import { SECURITY_PATH } from './AdminGate';
import { useLeaveGuard } from '../../ui/useLeaveGuard';

/**
 * One admin form's state: field errors from the server's validation paths (each field's own
 * message, in the language of now), a failure for the whole form, and "saved" announced politely.
 */
export function useAdminForm<F extends string>(order: readonly F[]) {
  const fields = useFieldErrors(order);
  const [failure, setFailure] = useState<Message | null>(null);
  const [saved, setSaved] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const [secondFactor, setSecondFactor] = useState(false);
  // The page loaded with the right, the action was refused: the right was taken meanwhile.
  const [lostRight, setLostRight] = useState(false);
  const sessionEnded = useSessionEnded();
  // Bumped at each failure: the summary takes focus (it holds the ref, not the form's state).
  const [failedAt, setFailedAt] = useState(0);
  // Typed into since the last save (the form calls `edited`): leaving the page asks first.
  const [unsaved, setUnsaved] = useState(false);
  useLeaveGuard(unsaved);

  /**
   * Runs `action`; on failure shows what went wrong and returns null. With `onCollision`, a change
   * refused for the bookings it would hit is no failure: the caller shows their choice.
   */
  const run = async <T,>(
    action: () => Promise<T>,
    done: Message,
    options: {
      onCollision?: (collisions: Collision[]) => void;
      /**
       * The entry is gone or changed meanwhile (another window, another admin): the caller loads
       * its list again, and the failure says so.
       */
      onStale?: () => void;
    } = {},
  ): Promise<T | null> => {
    if (busy) return null;
    setBusy(true);
    setSaved(null);
    try {
      const result = await action();
      setUnsaved(false);
      fields.setErrors({});
      setFailure(null);
      setSecondFactor(false);
      setSaved(done);
      return result;
    } catch (error) {
      if (options.onCollision && error instanceof CollisionError) {
        fields.setErrors({});
        setFailure(null);
        options.onCollision(error.collisions);
        return null;
      }
      const apiError = toApiError(error);
      // The session ended meanwhile (signed out elsewhere, or the account deactivated): the
      // sign-in page says so, rather than a form error nobody can act on.
      if (sessionEnded(apiError)) return null;
      setLostRight(isLostRight(apiError));
      // Keys built from the field's path, most specific first: i18next takes the first it has.
      const found = fields.fromServer(apiError, (field) =>
        message((t) =>
          (t as unknown as (keys: string[]) => string)([
            `admin:errors.${field}`,
            `admin:errors.${field.split('.')[0] ?? ''}`,
            'admin:errors.field',
          ]),
        ),
      );
      fields.setErrors(found);
      setSecondFactor(apiError.code === 'second_factor_required');
      const stale = options.onStale && (apiError.code === 'entry_not_found' || apiError.code === 'conflict');
      const problem = problemMessage(apiError);
      setFailure(
        Object.keys(found).length > 0 || isLostRight(apiError)
          ? null
          : stale
            ? message((t, locale) =>
                apiError.code === 'entry_not_found'
                  ? t('admin:staleGone')
                  : `${problem.say(t, locale)} ${t('admin:staleReloaded')}`,
              )
            : problem,
      );
      if (stale) options.onStale?.();
      setFailedAt((n) => n + 1);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const fail = (why: Message) => {
    setFailure(why);
    setFailedAt((n) => n + 1);
  };

  /** The form's own check found these fields wrong: marked and summed up as the server's would be. */
  const reject = (found: Partial<Record<F, Message>>) => {
    fields.setErrors(found);
    setFailure(null);
    setSaved(null);
    setFailedAt((n) => n + 1);
  };

  /** Forgets what the last action came to: another form's newer outcome is said instead. */
  const clear = () => {
    fields.setErrors({});
    setFailure(null);
    setSaved(null);
    setSecondFactor(false);
    setLostRight(false);
  };

  /** The admin changed something in the form: until it is saved, leaving the page asks first. */
  const edited = () => setUnsaved(true);

  return { fields, failure, saved, busy, run, failedAt, secondFactor, lostRight, fail, reject, clear, edited, unsaved };
}

export type AdminForm<F extends string> = ReturnType<typeof useAdminForm<F>>;

/** A ref whose element takes the focus at each failure (`failedAt` bumped), not on the first render. */
function useFocusOnFailure<E extends HTMLElement>(failedAt: number) {
  const ref = useRef<E>(null);
  useEffect(() => {
    if (failedAt > 0) ref.current?.focus();
  }, [failedAt]);
  return ref;
}

/** The error summary above a form and the "saved" line below it. */
export function FormSummary<F extends string>({ form }: { form: AdminForm<F> }) {
  const { t } = useTranslation('admin');
  const { failedAt } = form;
  const ref = useFocusOnFailure<HTMLDivElement>(failedAt);
  if (form.lostRight) return <LostRight key={failedAt} />;
  return (
    <>
      <ErrorSummary
        ref={ref}
        fields={form.fields}
        failure={form.failure}
        failureTestId="admin-failure"
        title={t('form.errorSummary')}
        titleElement="h3"
      />
      {form.secondFactor && (
        <p>
          <a href={SECURITY_PATH}>{t('secondFactor.link')}</a>
        </p>
      )}
    </>
  );
}

export function SavedStatus<F extends string>({ form, testId }: { form: AdminForm<F>; testId?: string }) {
  const say = useSay();
  return (
    <p role="status" className="muted" data-testid={testId}>
      {form.saved ? say(form.saved) : ''}
    </p>
  );
}

/**
 * What an action on a list's entry came to (removed, or gone meanwhile), said above the list: not
 * in the error box of the form beside it ("check your entries"), which it has nothing to do with.
 * A failure takes the focus, as the entry's button may be gone with it.
 */
export function ListStatus<F extends string>({ form, testId }: { form: AdminForm<F>; testId: string }) {
  const { t } = useTranslation('admin');
  const say = useSay();
  const { failedAt } = form;
  const ref = useFocusOnFailure<HTMLParagraphElement>(failedAt);
  if (form.lostRight) return <LostRight key={failedAt} />;
  return (
    <>
      {form.failure && (
        <p ref={ref} tabIndex={-1} role="alert" className="notice notice--warning" data-testid={`${testId}-failure`}>
          {say(form.failure)}
        </p>
      )}
      {form.secondFactor && (
        <p>
          <a href={SECURITY_PATH}>{t('secondFactor.link')}</a>
        </p>
      )}
      <SavedStatus form={form} testId={testId} />
    </>
  );
}
