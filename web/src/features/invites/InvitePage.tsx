import { isInviteRoleName, pagePath, type InvitePreview, type InviteeStatus } from '@amtsraum/shared';
import { Suspense, useEffect, useRef, useState, type ComponentType, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from '../../lib/router';
import { toApiError, type ApiError } from '../../lib/api';
import { primeAudio, unlockAudio } from '../../lib/audio-unlock';
import type { playLetIn } from './lobby-tone';
import { currentLocale } from '../../lib/i18n';
import { message, problemMessage, type Message } from '../../lib/message';
import { usePageFocus } from '../../lib/page-focus';
import { useDepartmentPhrase } from '../../lib/useLocalize';
import { ErrorPage } from '../../ui/ErrorPage';
import { nameProblem } from '../../ui/name-check';
import { ErrorSummary, Field, FormFailure, useFieldErrors } from '../../ui/forms';
import { formatClock, formatDay } from '../../ui/format';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { useFooterTenant } from '../legal';
import { checkInvite, inviteeStatus, officeNow, redeemInvite, type LinkRefusal } from './invitee-api';
import {
  checkProblem,
  closedProblem,
  linkProblem,
  notStartedNote,
  pollDelay,
  redeemRefusal,
  startPhase,
  type ClosedState,
  type ProblemCode,
  type RedeemRefusal,
} from './invite-page-state';

/**
 * The tones' code (lib/chime.ts), fetched when the lobby or the wait for the call's start shows,
 * not with the page: only an invitee who waits hears one, and every invitee's first download had carried it
 * (issue 14, the citizen pages' budgets in web/vite.config.ts). Tried again after a failed download.
 */
/**
 * For the call page (its `CallPageState`, written out here: the invite page does not depend on
 * the calls feature): reloaded after this person's seat is gone, it asks how the seat stands
 * before it joins.
 */
const TO_CALL = { invitee: true };

let chime: Promise<typeof playLetIn> | null = null;
function loadChime() {
  chime ??= import('./lobby-tone').then(
    ({ playLetIn }) => playLetIn,
    (error: unknown) => {
      chime = null;
      throw error;
    },
  );
  return chime;
}

type Phase =
  | { status: 'checking'; token: string }
  | { status: 'intro'; token: string; preview: InvitePreview }
  | { status: 'loading' }
  | { status: 'missing' }
  /**
   * `calledIn`: this page saw the clerk let them in from the lobby, or the call start while they
   * waited for it (it says so, and sounds).
   */
  | { status: 'invitee'; invitee: OpenStatus; calledIn?: boolean }
  /** `tenantSlug`: the municipality the refusal or the seat's state named (the footer's legal links). */
  | { status: 'problem'; code: ProblemCode; tenantSlug?: string | undefined }
  | { status: 'error'; error: ApiError };

/** How a seat stands that is still good, in a call not over. */
type OpenStatus = InviteeStatus & { state: Exclude<InviteeStatus['state'], ClosedState> };

/**
 * The page for how the seat stands: a call that is over, a person removed, a link withdrawn or run
 * out has the same page as a link refused for it.
 */
function inviteePhase(invitee: InviteeStatus): Phase {
  const code = closedProblem(invitee.state);
  return code
    ? { status: 'problem', code, tenantSlug: invitee.tenantSlug }
    : { status: 'invitee', invitee: invitee as OpenStatus };
}

/** The token from the link's fragment (read only; `dropFragment` removes it from the address bar). */
function readToken(): string | null {
  return window.location.hash.slice(1) || null;
}

function dropFragment(): void {
  if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname);
}

export interface InvitePageProps {
  /**
   * Getting ready for the call while the lobby waits or the call has not started: the calls
   * feature's device check, plugged in by the route as in the citizen's waiting room (the
   * component itself, not a function around it, which the door page's first download would
   * carry). Kept mounted from waiting to being let in, so what it opened goes into the call.
   */
  CallReadiness?: ComponentType<{ role: 'invitee'; visitId?: string; admitted: boolean }>;
}

/**
 * `/einladung#<token>`: an interpreter or guest opens their link, picks a language, and goes on
 * to the device check of the one call the link is for. Reloading keeps the seat (a cookie).
 */
export function InvitePage({ CallReadiness }: InvitePageProps) {
  const { t } = useTranslation('invites');
  // Out of the address bar, the history and screenshots at once; the token lives in state now,
  // also for "try again" after a failure.
  const [token, setToken] = useState(readToken);
  const [phase, setPhase] = useState<Phase>(() => startPhase(token));
  const { requestFocus } = usePageFocus();
  const navigate = useNavigate();
  useEffect(() => {
    dropFragment();
    // Another link opened in this tab (a corrected one pasted after "not valid", a new one after
    // "withdrawn") changes only the fragment: the browser does not load the page again, so the
    // page takes the new token itself. It showed the old answer, with the token left in the address bar.
    const onHashChange = () => {
      const next = readToken();
      if (!next) return;
      dropFragment();
      requestFocus();
      setToken(next);
      setPhase(startPhase(next));
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- requestFocus is stable enough
  }, []);
  // The municipality's legal notice and privacy statement in the footer, once the link is read;
  // in a new tab, so the name, the lobby and the device check stay. On the page saying the call is
  // over or the link no good too (it had none), in this tab: nothing is left to lose there.
  useFooterTenant(
    phase.status === 'intro'
      ? phase.preview.tenantSlug
      : phase.status === 'invitee'
        ? phase.invitee.tenantSlug
        : phase.status === 'problem'
          ? phase.tenantSlug
          : null,
    phase.status !== 'problem',
  );
  const failed = (error: unknown, problemOf: (error: ApiError) => ProblemCode | null = linkProblem) => {
    const apiError = toApiError(error);
    const code = problemOf(apiError);
    requestFocus();
    setPhase(
      code
        ? { status: 'problem', code, tenantSlug: (apiError as LinkRefusal).tenantSlug }
        : { status: 'error', error: apiError },
    );
  };

  // With a token: is it any good? Said at once, before a name is asked for (issue 13). A browser
  // that already holds a seat by this link (a reload) goes straight on.
  const checking = phase.status === 'checking' ? phase.token : null;
  useEffect(() => {
    if (!checking) return;
    let cancelled = false;
    checkInvite(checking).then(
      (preview) => {
        if (cancelled) return;
        if (!preview.seated) return setPhase({ status: 'intro', token: checking, preview });
        redeemInvite(checking).then(
          (invitee) => !cancelled && setPhase(inviteePhase(invitee)),
          (error: unknown) => !cancelled && failed(error),
        );
      },
      (error: unknown) => !cancelled && failed(error, checkProblem),
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- failed is stable enough
  }, [checking]);

  // Without a token: a reload after redeeming (the seat cookie answers), or an incomplete link.
  // Runs again each time the page comes back to loading ("try again" without a token).
  const loading = phase.status === 'loading';
  useEffect(() => {
    if (!loading) return;
    let cancelled = false;
    inviteeStatus().then(
      (invitee) => !cancelled && setPhase(inviteePhase(invitee)),
      (error: unknown) => {
        if (cancelled) return;
        if (toApiError(error).code === 'invite_invalid') setPhase({ status: 'missing' });
        else failed(error);
      },
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- failed is stable enough
  }, [loading]);

  // Waiting to be let in, for the call to start, or to go to it: ask again now and then.
  const invitee = phase.status === 'invitee' ? phase.invitee : null;
  useEffect(() => {
    if (!invitee) return;
    const timer = setTimeout(
      () => {
        inviteeStatus().then((next) => {
          // The call ended meanwhile, the person was removed, the link withdrawn or run out: said as
          // the answer it is, the page's own heading taking focus.
          if (closedProblem(next.state)) {
            requestFocus();
            return setPhase(inviteePhase(next));
          }
          // Let in from the lobby, or the call started while they waited for it: the new page takes
          // focus and is read out, the tab's title says so and a tone sounds, as for a citizen called
          // in (it changed silently, under the same title; after the call's start, under "Einladung").
          const letIn = invitee.state !== 'ready' && next.state === 'ready';
          if (letIn) {
            requestFocus();
            // Fetched with the lobby; offline, the focus and the title still call them.
            void loadChime().then(
              (play) => play(),
              () => {},
            );
          }
          setPhase((previous) => ({
            status: 'invitee',
            invitee: next as OpenStatus,
            calledIn: letIn || (previous.status === 'invitee' && previous.calledIn === true && next.state === 'ready'),
          }));
        }, failed);
      },
      pollDelay(invitee, officeNow()),
    );
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- failed is stable enough
  }, [invitee]);

  switch (phase.status) {
    case 'loading':
    case 'checking':
      return <LoadingState />;
    case 'missing':
    case 'problem': {
      // An incomplete link is an invalid one, with its own words on what to do.
      const missing = phase.status === 'missing';
      const code = missing ? 'invite_invalid' : phase.code;
      return (
        <div data-testid={missing ? 'invite-missing' : `invite-problem-${code}`}>
          {/* The tab and the screen reader's announcement say what is wrong, not only "Invitation". */}
          <PageHeading title={t(`problem.${code}.heading`)} />
          <p className="lead">{t(missing ? 'page.missing' : `problem.${code}.text`)}</p>
          <Link to={pagePath('home')}>{t('home')}</Link>
        </div>
      );
    }
    case 'error':
      // The same link again: the token was kept when it left the address bar.
      return <ErrorPage error={phase.error} retry={() => setPhase(startPhase(token))} />;
    case 'intro':
      return (
        <IntroForm
          preview={phase.preview}
          onContinue={async (name) => {
            try {
              const next = await redeemInvite(phase.token, name);
              requestFocus();
              // In at once (a link without a lobby): the name was the one step before the call's
              // device check, with no page between that only said "go on".
              if (next.state === 'ready' && next.visitId)
                void navigate(pagePath('call', { visitId: next.visitId }), { state: TO_CALL });
              else setPhase(inviteePhase(next));
              return null;
            } catch (error) {
              const apiError = toApiError(error);
              const refusal = redeemRefusal(apiError);
              // Only a problem with the link leaves the form; the name stays for anything else.
              if (refusal.kind === 'problem') failed(apiError);
              return { refusal, error: apiError };
            }
          }}
        />
      );
    case 'invitee':
      // A view per state, mounted afresh when the state changes, so its heading can take focus;
      // the device check beside it stays, with what it opened.
      return (
        <>
          <InviteeView key={phase.invitee.state} invitee={phase.invitee} calledIn={phase.calledIn === true} />
          {CallReadiness && (
            <Suspense fallback={null}>
              <CallReadiness
                role="invitee"
                visitId={phase.invitee.visitId ?? undefined}
                admitted={phase.invitee.state === 'ready' && phase.invitee.visitId !== null}
              />
            </Suspense>
          )}
        </>
      );
  }
}

/** Why a name was not taken: the refusal as the page sorted it, and the server's error. */
interface Refused {
  refusal: RedeemRefusal;
  error: ApiError;
}

const NAME_INVALID = message((t) => t('invites:page.nameInvalid'));

function IntroForm({
  preview,
  onContinue,
}: {
  preview: InvitePreview;
  /** Resolves with null when the invitee is in, or with why not (the form stays, with the name). */
  onContinue: (name: string) => Promise<Refused | null>;
}) {
  const { t } = useTranslation('invites');
  const details = useInviteDetails(preview);
  const fields = useFieldErrors(['name'] as const);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Message | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const failureRef = useRef<HTMLParagraphElement>(null);

  const show = (nameError: Message | null, formFailure: Message | null) => {
    fields.setErrors(nameError ? { name: nameError } : {});
    setFailure(formFailure);
    // After React rendered it: move focus to the problem, so it is read out first.
    const target = nameError ? summaryRef : failureRef;
    window.setTimeout(() => target.current?.focus(), 0);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    // The server's rules for a name (shared person-name.ts); empty is fine: the invite's label.
    if (nameProblem(name, { max: 80, required: false })) return show(NAME_INVALID, null);
    setBusy(true);
    // A gesture: from now on the page may sound when the clerk lets them in from a lobby.
    unlockAudio();
    const refused = await onContinue(name.trim());
    if (!refused || refused.refusal.kind === 'problem') return;
    setBusy(false);
    if (refused.refusal.kind === 'name') show(NAME_INVALID, null);
    else show(null, problemMessage(refused.error));
  };
  return (
    <div data-testid="invite-intro">
      <PageHeading title={t('page.title')}>{t('page.heading')}</PageHeading>
      <p className="lead" data-testid="invite-details">
        {t('page.invited', details)}
      </p>
      <p>{t('page.intro')}</p>
      <form onSubmit={(event) => void submit(event)} className="invite-intro" noValidate>
        <FormFailure ref={failureRef} failure={failure} testId="invite-failure" />
        <ErrorSummary
          ref={summaryRef}
          fields={fields}
          failure={null}
          failureTestId="invite-failure-in-summary"
          title={t('page.errorSummary')}
          titleElement="h2"
        />
        <Field fields={fields} field="name" label={t('page.name')} hint={t('page.nameHint')}>
          {(control) => (
            <input
              {...control}
              // A text field, so the fields' style takes it (without a type it was 21 px high).
              type="text"
              autoComplete="name"
              maxLength={80}
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
          {busy ? t('page.checking') : t('page.continue')}
        </button>
      </form>
    </div>
  );
}

/**
 * In the lobby or waiting for the call to start: the tone's code is fetched, and after a reload
 * into it, the next click or key press lets the page sound when they may go in.
 */
function PrimeAudio() {
  useEffect(() => {
    primeAudio();
    void loadChime().catch(() => {
      // Offline for a moment: the admit asks again.
    });
  }, []);
  return null;
}

/**
 * Role, label and place of an invitation, as the page's sentences use them: "als Gast („Betreuer“)",
 * "beim Bürgeramt"; the role alone for a link made without a label ("als Gast").
 */
function useInviteDetails(
  invite: Pick<InvitePreview, 'role' | 'label' | 'tenantName' | 'departmentName' | 'departmentNameForms'>,
) {
  const { t } = useTranslation('invites');
  const phrase = useDepartmentPhrase();
  const as = t(`rolesAs.${invite.role}`);
  // A link made without a label (or labelled with the role's name in any language): the role is
  // said once, not "als Dolmetscherin oder Dolmetscher („Dolmetscherin/Dolmetscher“)" or
  // "… („Interpreter“)".
  return {
    as: isInviteRoleName(invite.role, invite.label) ? as : t('page.asLabelled', { as, label: invite.label }),
    at: phrase({ name: invite.departmentName, nameForms: invite.departmentNameForms }, 'at'),
    tenant: invite.tenantName,
  };
}

function InviteeView({ invitee, calledIn }: { invitee: InviteeStatus; calledIn: boolean }) {
  const { t } = useTranslation('invites');
  const navigate = useNavigate();
  const locale = currentLocale();
  const details = useInviteDetails({ ...invitee, role: invitee.role === 'interpreter' ? 'interpreter' : 'guest' });
  if (invitee.state === 'ready' && invitee.visitId) {
    const visitId = invitee.visitId;
    return (
      <div data-testid="invite-ready">
        {calledIn ? (
          <PageHeading title={t('page.letInHeading')} />
        ) : (
          <PageHeading title={t('page.title')}>{t('page.readyHeading')}</PageHeading>
        )}
        <p className="lead">{t('page.ready', details)}</p>
        <button
          type="button"
          className="button button--primary"
          onClick={() => void navigate(pagePath('call', { visitId }), { state: TO_CALL })}
        >
          {t('page.toCall')}
        </button>
      </div>
    );
  }
  if (invitee.state === 'waiting') {
    return (
      <div data-testid="invite-waiting">
        <PrimeAudio />
        <PageHeading title={t('page.waitingHeading')} />
        <p className="lead" role="status">
          {t('page.waiting', details)}
        </p>
      </div>
    );
  }
  const opensAt = invitee.opensAt ? new Date(invitee.opensAt) : null;
  // Read again at every answer of the status (every 3 s this close to the start), on the office's
  // clock: a phone an hour or a day off said a call to come was due, or one due was ahead.
  const note = notStartedNote(invitee.opensAt, officeNow());
  return (
    <div data-testid="invite-not-started">
      <PrimeAudio />
      <PageHeading title={t('page.notStartedHeading')} />
      {/* What the link is for, as before the name was given: the page said only "not started yet". */}
      <p data-testid="invite-details">{t('page.invited', details)}</p>
      <p className="lead" role="status">
        {note === 'ahead' && opensAt
          ? t('page.notStarted', {
              date: formatDay(opensAt, locale, invitee.timeZone),
              time: formatClock(opensAt, locale, invitee.timeZone),
            })
          : t(note === 'due' ? 'page.notStartedDue' : 'page.notStartedSoon')}
      </p>
    </div>
  );
}
