import { pagePath, type InvitePreview, type InviteeStatus } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from '../../lib/router';
import { toApiError, type ApiError } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { usePageFocus } from '../../lib/page-focus';
import { useDepartmentPhrase } from '../../lib/useLocalize';
import { ErrorPage } from '../../ui/ErrorPage';
import { formatClock, formatDay } from '../../ui/format';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { checkInvite, inviteeStatus, redeemInvite } from './api';

const PROBLEM_CODES = [
  'invite_invalid',
  'invite_expired',
  'invite_revoked',
  'invite_removed',
  'invite_used_up',
  'invite_call_ended',
] as const;
type ProblemCode = (typeof PROBLEM_CODES)[number];
const isProblemCode = (code: string): code is ProblemCode => (PROBLEM_CODES as readonly string[]).includes(code);

/** How often a waiting invitee's page asks whether they may enter. */
const POLL_MS = { waiting: 3_000, not_started: 30_000 };

type Phase =
  | { status: 'checking'; token: string }
  | { status: 'intro'; token: string; preview: InvitePreview }
  | { status: 'loading' }
  | { status: 'missing' }
  | { status: 'invitee'; invitee: InviteeStatus }
  | { status: 'problem'; code: ProblemCode }
  | { status: 'error'; error: ApiError };

/** The token from the link's fragment (read only; `dropFragment` removes it from the address bar). */
function readToken(): string | null {
  return window.location.hash.slice(1) || null;
}

function dropFragment(): void {
  if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname);
}

/**
 * `/einladung#<token>`: an interpreter or guest opens their link, picks a language, and goes on
 * to the device check of the one call the link is for. Reloading keeps the seat (a cookie).
 */
export function InvitePage() {
  const { t } = useTranslation('invites');
  const [phase, setPhase] = useState<Phase>(() => {
    const token = readToken();
    return token ? { status: 'checking', token } : { status: 'loading' };
  });
  // Out of the address bar, the history and screenshots at once; the token lives in state now.
  useEffect(dropFragment, []);
  const { requestFocus } = usePageFocus();
  const failed = (error: unknown) => {
    const apiError = toApiError(error);
    requestFocus();
    setPhase(
      isProblemCode(apiError.code) ? { status: 'problem', code: apiError.code } : { status: 'error', error: apiError },
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
          (invitee) => !cancelled && setPhase({ status: 'invitee', invitee }),
          (error: unknown) => !cancelled && failed(error),
        );
      },
      (error: unknown) => !cancelled && failed(error),
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- failed is stable enough
  }, [checking]);

  // Without a token: a reload after redeeming (the seat cookie answers), or an incomplete link.
  const started = useRef(false);
  useEffect(() => {
    if (phase.status !== 'loading' || started.current) return;
    started.current = true;
    inviteeStatus().then(
      (invitee) => setPhase({ status: 'invitee', invitee }),
      (error: unknown) => {
        if (toApiError(error).code === 'invite_invalid') setPhase({ status: 'missing' });
        else failed(error);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once
  }, [phase.status]);

  // Waiting to be let in, or for the call to start: ask again now and then.
  const invitee = phase.status === 'invitee' ? phase.invitee : null;
  useEffect(() => {
    if (!invitee || invitee.state === 'ready') return;
    const timer = setTimeout(() => {
      inviteeStatus().then((next) => setPhase({ status: 'invitee', invitee: next }), failed);
    }, POLL_MS[invitee.state]);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- failed is stable enough
  }, [invitee]);

  switch (phase.status) {
    case 'loading':
    case 'checking':
      return <LoadingState />;
    case 'missing':
      return (
        <div data-testid="invite-missing">
          <PageHeading title={t('page.title')}>{t('problem.invite_invalid.heading')}</PageHeading>
          <p className="lead">{t('page.missing')}</p>
          <Link to={pagePath('home')}>{t('home')}</Link>
        </div>
      );
    case 'problem':
      return (
        <div data-testid={`invite-problem-${phase.code}`}>
          <PageHeading title={t('page.title')}>{t(`problem.${phase.code}.heading`)}</PageHeading>
          <p className="lead">{t(`problem.${phase.code}.text`)}</p>
          <Link to={pagePath('home')}>{t('home')}</Link>
        </div>
      );
    case 'error':
      return <ErrorPage error={phase.error} retry={() => setPhase({ status: 'loading' })} />;
    case 'intro':
      return (
        <IntroForm
          preview={phase.preview}
          onContinue={async (name) => {
            try {
              const next = await redeemInvite(phase.token, name);
              requestFocus();
              setPhase({ status: 'invitee', invitee: next });
            } catch (error) {
              failed(error);
            }
          }}
        />
      );
    case 'invitee':
      return <InviteeView invitee={phase.invitee} />;
  }
}

function IntroForm({ preview, onContinue }: { preview: InvitePreview; onContinue: (name: string) => Promise<void> }) {
  const { t } = useTranslation('invites');
  const details = useInviteDetails(preview);
  const id = useId();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await onContinue(name.trim());
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="invite-intro">
      <PageHeading title={t('page.title')}>{t('page.heading')}</PageHeading>
      <p className="lead" data-testid="invite-details">
        {t('page.invited', details)}
      </p>
      <p>{t('page.intro')}</p>
      <form onSubmit={(event) => void submit(event)} className="invite-intro">
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('page.name')}</label>
          <p id={`${id}-name-hint`} className="field__hint">
            {t('page.nameHint')}
          </p>
          <input
            id={`${id}-name`}
            aria-describedby={`${id}-name-hint`}
            autoComplete="name"
            maxLength={80}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? t('page.checking') : t('page.continue')}
        </button>
      </form>
    </div>
  );
}

/** Role, label and place of an invitation, as the page's sentences use them: "als Gast", "beim Bürgeramt". */
function useInviteDetails(
  invite: Pick<InvitePreview, 'role' | 'label' | 'tenantName' | 'departmentName' | 'departmentNameForms'>,
) {
  const { t } = useTranslation('invites');
  const phrase = useDepartmentPhrase();
  return {
    as: t(`rolesAs.${invite.role}`),
    label: invite.label,
    at: phrase({ name: invite.departmentName, nameForms: invite.departmentNameForms }, 'at'),
    tenant: invite.tenantName,
  };
}

function InviteeView({ invitee }: { invitee: InviteeStatus }) {
  const { t } = useTranslation('invites');
  const navigate = useNavigate();
  const locale = currentLocale();
  const details = useInviteDetails({ ...invitee, role: invitee.role === 'interpreter' ? 'interpreter' : 'guest' });
  if (invitee.state === 'ready' && invitee.visitId) {
    const visitId = invitee.visitId;
    return (
      <div data-testid="invite-ready">
        <PageHeading title={t('page.title')}>{t('page.readyHeading')}</PageHeading>
        <p className="lead">{t('page.ready', details)}</p>
        <button
          type="button"
          className="button button--primary"
          onClick={() => void navigate(pagePath('call', { visitId }))}
        >
          {t('page.toCall')}
        </button>
      </div>
    );
  }
  if (invitee.state === 'waiting') {
    return (
      <div data-testid="invite-waiting">
        <PageHeading title={t('page.title')}>{t('page.waitingHeading')}</PageHeading>
        <p className="lead" role="status">
          {t('page.waiting', details)}
        </p>
      </div>
    );
  }
  const opensAt = invitee.opensAt ? new Date(invitee.opensAt) : null;
  return (
    <div data-testid="invite-not-started">
      <PageHeading title={t('page.title')}>{t('page.notStartedHeading')}</PageHeading>
      <p className="lead" role="status">
        {opensAt
          ? t('page.notStarted', {
              date: formatDay(opensAt, locale, invitee.timeZone),
              time: formatClock(opensAt, locale, invitee.timeZone),
            })
          : t('page.notStartedSoon')}
      </p>
    </div>
  );
}
