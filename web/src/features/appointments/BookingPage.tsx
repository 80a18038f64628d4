import {
  BookingResponseSchema,
  pagePath,
  SlotSchema,
  type BookingInfo,
  type CitizenAppointment,
  type DepartmentResponse,
} from '@amtsraum/shared';
import { Suspense, useEffect, useState } from 'react';
import { z } from 'zod/mini';
import { useTranslation } from 'react-i18next';
import { lazyComponent } from '../../lib/lazy-component';
import { Link, useLocation, useNavigate, useParams } from '../../lib/router';
import type { LoadState } from '../../lib/useLoad';
import { useDepartmentPhrase, useLocalize } from '../../lib/useLocalize';
import { Breadcrumbs } from '../../ui/Breadcrumbs';
import { LoadStateView } from '../../ui/LoadStateView';
import { PageHeading } from '../../ui/PageHeading';
import { TenantBanner, useDepartment } from '../directory';
import { book, useBookingInfo } from './api';
import { BOOKING_STEPS, BookingFlow, type BookingDraft, type BookingStep, type KeptBooking } from './BookingFlow';

/**
 * The confirmation, in a chunk of its own: the page's first download had no room left under its
 * budget (web/vite.config.ts) for the confirmation's heading as the page's own. Loaded once the
 * page stands, so it is there when the booking goes through.
 */
const Confirmation = lazyComponent(() => import('./Confirmation').then((m) => m.Confirmation), []);

/** Both requests as one state: the page shows once the directory entry and the booking rules are there. */
function useBookingPage(tenant: string, department: string): LoadState<[DepartmentResponse, BookingInfo]> {
  const directory = useDepartment(tenant, department);
  const booking = useBookingInfo(tenant, department);
  if (directory.status === 'error') return { ...directory, previous: null };
  if (booking.status === 'error') return { ...booking, previous: null };
  if (directory.status === 'loading' || booking.status === 'loading')
    return { status: 'loading', previous: null, reload: directory.reload };
  return { status: 'success', data: [directory.data, booking.data], reload: directory.reload };
}

/** `/:tenant/:department/termin`: book a video appointment without an account (issue 6). */
export function BookingPage() {
  const { tenant = '', department = '' } = useParams();
  const state = useBookingPage(tenant, department);
  return (
    <LoadStateView state={state} tenantSlug={tenant}>
      {([directory, info]) => <Booking directory={directory} info={info} />}
    </LoadStateView>
  );
}

function isStep(value: unknown): value is BookingStep {
  return typeof value === 'string' && (BOOKING_STEPS as readonly string[]).includes(value);
}

/**
 * The appointment booked in this history entry, if any. The confirmation is kept in the entry, so a
 * reload shows it again instead of step 2 of a booking that seems never to have happened (and
 * invites a second one). It stays with this tab's history, like the manage link's token in
 * sessionStorage (useFragmentToken), and is read through the API's schema as anything kept is.
 */
function bookedIn(state: unknown): CitizenAppointment | null {
  if (!state || typeof state !== 'object' || !('booked' in state)) return null;
  const parsed = BookingResponseSchema.safeParse(state.booked);
  return parsed.success ? parsed.data.appointment : null;
}

/** What an entry keeps of the flow (BookingFlow's KeptBooking), read through a schema as anything kept is. */
const KeptBookingSchema = z.object({
  services: z.array(z.string()),
  persons: z.int(),
  slot: z.optional(SlotSchema),
});

function keptIn(state: unknown): KeptBooking | null {
  if (!state || typeof state !== 'object' || !('kept' in state)) return null;
  const parsed = KeptBookingSchema.safeParse(state.kept);
  return parsed.success ? parsed.data : null;
}

/**
 * The step lives in the history entry, so the browser's Back button goes back a step; so does
 * what the flow chose up to it (the slot at step 3), so a reload stays at that step. `depth` is
 * how many entries the flow has pushed up to this one (0 on the page's first).
 */
function useHistoryStep() {
  const location = useLocation();
  const navigate = useNavigate();
  const state: unknown = location.state;
  const asked = state && typeof state === 'object' && 'bookingStep' in state ? state.bookingStep : undefined;
  const step = isStep(asked) ? asked : 'services';
  const pushed = state && typeof state === 'object' && 'depth' in state ? state.depth : undefined;
  const depth = typeof pushed === 'number' && Number.isInteger(pushed) && pushed > 0 ? pushed : 0;
  const go = (next: BookingStep, kept?: KeptBooking) => {
    const target = { pathname: location.pathname, search: location.search };
    if (next === step) {
      // Another slot at step 3 (one offered instead of a taken one): the entry keeps that one.
      if (kept && isStep(asked)) void navigate(target, { replace: true, state: { bookingStep: step, depth, kept } });
      return;
    }
    // One step back is the previous history entry: go there, so Back and Forward stay in step.
    if (BOOKING_STEPS.indexOf(next) === BOOKING_STEPS.indexOf(step) - 1 && isStep(asked)) void navigate(-1);
    else void navigate(target, { state: { bookingStep: next, depth: depth + 1, ...(kept ? { kept } : {}) } });
  };
  return { step, kept: keptIn(state), depth, go };
}

/** Goes `steps` entries back in this tab's history; resolves once there. */
function historyBack(navigate: (delta: number) => void, steps: number): Promise<void> {
  return new Promise((resolve) => {
    window.addEventListener('popstate', () => resolve(), { once: true });
    navigate(-steps);
  });
}

function Booking({ directory: { tenant, department }, info }: { directory: DepartmentResponse; info: BookingInfo }) {
  const { t } = useTranslation('appointments');
  const localize = useLocalize();
  const phrase = useDepartmentPhrase();
  const name = localize(department.name);
  const location = useLocation();
  const navigate = useNavigate();
  const { step, kept, depth, go: setStep } = useHistoryStep();
  // Booked on this page: shown while the history goes back to the flow's first entry, and on
  // entries of the finished flow reached with Forward, until "book another".
  const [bookedHere, setBookedHere] = useState<CitizenAppointment | null>(null);
  const booked = bookedIn(location.state) ?? bookedHere;
  const [round, setRound] = useState(0);
  // The steps are entries of the history, and a booking goes back to the first: the browser put
  // that entry's scroll position back after the confirmation's heading had taken the focus, which
  // left the heading above the top of a phone's screen, cut (as on the manage page).
  useEffect(() => {
    history.scrollRestoration = 'manual';
    Confirmation.preload().catch(() => undefined); // tried again when shown
  }, []);

  const submit = async (draft: BookingDraft) => {
    const appointment = await book(tenant.slug, department.slug, {
      ...draft,
      email: draft.email ?? '',
      consent: true,
    });
    setBookedHere(appointment);
    // A finished booking has no steps to go back through (going back into step 3 invited a second
    // booking, and leaving took a Back per step): the confirmation takes the place of the flow's
    // first entry, so one Back leaves to where the citizen came from.
    if (depth > 0) await historyBack(navigate, depth);
    void navigate(
      { pathname: location.pathname, search: location.search },
      { replace: true, state: { booked: { appointment } } },
    );
  };

  // Where a service can be booked on site, the page is not about video only (issue 16).
  const page = info.services.some((service) => (service.channels ?? 'video') !== 'video') ? 'pageAnyKind' : 'page';
  const title = booked ? t('confirmation.title') : t(`${page}.title`);
  return (
    <>
      <Breadcrumbs
        items={[
          { label: tenant.name, to: pagePath('tenant', { tenant: tenant.slug }) },
          { label: name.text, to: pagePath('department', { tenant: tenant.slug, department: department.slug }) },
          { label: t(`${page}.breadcrumb`) },
        ]}
      />
      <TenantBanner tenant={tenant}>
        <p className="tenant-banner__kicker" lang={name.lang}>
          {name.text}
        </p>
        <PageHeading title={`${title} – ${name.text}`}>
          {booked ? t('confirmation.heading') : t(`${page}.heading`)}
        </PageHeading>
      </TenantBanner>

      {info.services.length === 0 ? (
        <div className="panel" data-testid="booking-unavailable">
          <p>{t('page.noServices')}</p>
          <p>
            <Link to={pagePath('department', { tenant: tenant.slug, department: department.slug })}>
              {t('page.back', { to: phrase(department, 'to') })}
            </Link>
          </p>
        </div>
      ) : booked ? (
        <Suspense fallback={null}>
          <Confirmation
            appointment={booked}
            onAnother={() => {
              setBookedHere(null);
              setRound((n) => n + 1);
              // A new entry, so Back returns to the confirmation.
              void navigate(
                { pathname: location.pathname, search: location.search },
                { state: { bookingStep: 'services' } },
              );
            }}
          />
        </Suspense>
      ) : (
        <>
          {step === 'services' && <p className="lead">{t('page.intro')}</p>}
          <BookingFlow
            key={round}
            info={info}
            mode="citizen"
            headingLevel={2}
            step={step}
            kept={kept}
            onStep={setStep}
            onSubmit={submit}
            contact={department.contact}
          />
        </>
      )}
    </>
  );
}
