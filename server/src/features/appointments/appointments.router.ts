import {
  BookingRequestSchema,
  ManageRequestSchema,
  RebookRequestSchema,
  SlotQuerySchema,
  mailLocale,
  negotiateLocale,
  type ArriveResponseSchema,
  type BookingInfo,
  type CitizenAppointment,
  type JoinViewResponseSchema,
  type ManageResponseSchema,
  type SlotsResponse,
} from '@amtsraum/shared';
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { ctxOf, type AppDeps, type BookingLane } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { PAGE_READ_LIMITS } from '../../lib/rate-limit.js';
import { officeParams } from '../../lib/params.js';
import { parseInput, parseTextInput } from '../../lib/validate.js';
import { setVisitCookie, visitCookieOf } from '../visits/visit-cookie.js';
import { givePlaceUp } from '../visits/visits.service.js';
import { arrive, joinView } from './arrive.js';
import { bookAsCitizen, refuseKnownTakenEarly } from './book.js';
import { getBookingInfo } from './booking-info.js';
import { cancelByToken } from './cancel.js';
import { manageByToken } from './manage.js';
import { rebookByToken } from './move.js';
import { SlotCache } from './slot-cache.js';
import { findSlots } from './slot-search.js';

const HOUR = 3600_000;

/** Booking limits; exported so tests name the numbers they probe. */
export const BOOKING_LIMITS = {
  /** Bookings per client address: a family or an office behind one address books a few, a script many. */
  perAddress: { max: 10, windowMs: HOUR },
  /**
   * Bookings made per e-mail address: one person rarely needs more than a handful a day. A refused
   * booking gives its count back, so nobody can use up a stranger's address with bad requests.
   */
  perEmail: { max: 5, windowMs: 24 * HOUR, code: 'booking_limit_reached' as const },
  /** Manage-link requests per address: 256-bit tokens cannot be guessed; this spares the database. */
  manage: { max: 60, windowMs: 10 * 60_000 },
  /** Slot searches per address. */
  slots: { max: 300, windowMs: 10 * 60_000 },
  /** Arrivals per address: the join token carries 256 random bits, so this only spares the database. */
  arrivals: { max: 30, windowMs: 10 * 60_000 },
};

/**
 * The citizen's side of appointments (issue 6): the public booking page, the manage link from the
 * e-mail, and arriving through the join link. Tokens travel in POST bodies only, never in URLs.
 * The clerk's side is appointments-staff.router.ts.
 */
export function appointmentsRouter(deps: AppDeps): Router {
  const router = Router();
  const byAddress = deps.limits.limiter('booking-address', BOOKING_LIMITS.perAddress);
  const byEmail = deps.limits.limiter('booking-email', BOOKING_LIMITS.perEmail);
  const manage = deps.limits.limiter('manage-link', BOOKING_LIMITS.manage);
  const searches = deps.limits.limiter('slot-search', BOOKING_LIMITS.slots);
  const arrivals = deps.limits.limiter('appointment-arrival', BOOKING_LIMITS.arrivals);
  // The booking page's first read counts like the other public pages' reads (directory.router.ts).
  const pageReads = deps.limits.limiter('booking-page-read', PAGE_READ_LIMITS.perAddress);
  const address = (req: Request) => requestAddressGroup(req);
  // One per app: searches read through it, and this app's own bookings, cancellations and moves
  // clear it at once; everything else reaches it through the event bus (slot-cache.ts).
  const slotCache = new SlotCache(deps.events);
  const ctx = () => ({ ...ctxOf(deps), slotCache });
  // A few searches and bookings at a time, bookings first, the rest in line (lib/work-gate.ts:
  // the 07:45 rush), a few places per address. What waits has cost nothing yet, not even its
  // count (an address known over its limit is refused before the line); a requester gone before
  // its turn is not worked for.
  const inLine = <T>(lane: BookingLane, req: Request, waitedMs: number, work: () => Promise<T>) =>
    deps.bookingGate.run(lane, address(req), work, () => req.socket.destroyed, waitedMs);

  router.get('/tenants/:tenant/departments/:department/booking', async (req, res) => {
    await pageReads.hit(address(req));
    const { tenantSlug, departmentSlug } = officeParams(req);
    const info: BookingInfo = await getBookingInfo(deps.database.db, tenantSlug, departmentSlug, deps.now());
    res.json(info);
  });

  router.get('/tenants/:tenant/departments/:department/slots', async (req, res) => {
    searches.refuseKnown(address(req));
    // Counted beside the search, not before it: the search only reads, and with PostgreSQL the
    // count's round trip would add its wait to every search (issue 14: slot search p99). The answer
    // still waits for the count, and 429 wins over any other answer, as if counted first.
    const found = await inLine('search', req, 0, async () => {
      const [counted, searched] = await Promise.allSettled([
        searches.hit(address(req)),
        (async (): Promise<SlotsResponse> => {
          const query = parseInput(SlotQuerySchema, req.query);
          return findSlots(ctx(), { ...officeParams(req), query });
        })(),
      ]);
      if (counted.status === 'rejected') throw counted.reason;
      if (searched.status === 'rejected') throw searched.reason;
      return searched.value;
    });
    if (found) res.json(found);
  });

  router.post('/tenants/:tenant/departments/:department/appointments', async (req, res) => {
    // Both limits counted together: with PostgreSQL the two hits go in one upsert and one round
    // trip (rate-limit.ts groups the hits of one turn), not one after the other (issue 14, the
    // rush). As before, every request counts against its address, a malformed one too, and 429
    // of the address wins over any other answer; an address known over its limit counts nothing.
    byAddress.refuseKnown(address(req));
    // A time the slot cache already knows taken is refused at once, counted against the address
    // as every try is, and not against the e-mail address (a refusal costs it nothing).
    const asked = BookingRequestSchema.safeParse(req.body);
    const refuseEarly = async () => {
      if (!asked.success) return undefined;
      return refuseKnownTakenEarly(ctx(), { ...officeParams(req), request: asked.data }).catch(
        async (refusal: unknown) => {
          await byAddress.hit(address(req));
          throw refusal;
        },
      );
    };
    const slot = await refuseEarly();
    // A booking of a slot that another booking here is already on its way for waits for that one
    // outside the line (lib/followers.ts): once it is made, this one is refused at once. Gone
    // meanwhile, nothing is done for it.
    const book = async (after: { followed: boolean; waitedMs: number }) => {
      if (after.followed) {
        if (req.socket.destroyed) return undefined;
        await refuseEarly();
      }
      return inLine('booking', req, after.waitedMs, async () => {
        const addressCounted = byAddress.hit(address(req));
        let request;
        try {
          request = parseTextInput(BookingRequestSchema, req.body);
        } catch (error) {
          await addressCounted;
          throw error;
        }
        const [byItsAddress, byItsEmail] = await Promise.allSettled([addressCounted, byEmail.hit(request.email)]);
        if (byItsAddress.status === 'rejected') throw byItsAddress.reason;
        if (byItsEmail.status === 'rejected') throw byItsEmail.reason;
        try {
          // The e-mails in the page's language, which the web client sends as Accept-Language; the
          // conversation language (request.language) may be one we have no e-mail texts for.
          const mailLocaleOf = negotiateLocale(req.get('accept-language'), mailLocale(request.language));
          return await bookAsCitizen(ctx(), { ...officeParams(req), request, mailLocale: mailLocaleOf });
        } catch (error) {
          // Only bookings made count against the e-mail address (a taken slot, a wrong time, a full
          // day cost the address nothing). Awaited: the citizen's next try, right after the refusal,
          // must find the count given back (not awaited, it raced the next hit and refused it).
          await byEmail.undo(request.email).catch((undoFailed: unknown) => {
            req.log.warn({ err: undoFailed }, 'could not give back a refused booking’s count');
          });
          throw error;
        }
      });
    };
    const appointment = await (slot === undefined
      ? book({ followed: false, waitedMs: 0 })
      : deps.slotFollowers.run(slot, address(req), book));
    // Gone before its turn: nothing was counted or booked, and nobody is there to answer.
    if (!appointment) return;
    res.status(201).json({ appointment });
  });

  // With the office's clock as it answers: the citizen's phone may be off by hours (ManageResponseSchema).
  const answer = (res: Response, appointment: CitizenAppointment) => {
    res.json({ appointment, serverTime: deps.now().toISOString() } satisfies z.infer<typeof ManageResponseSchema>);
  };

  router.post('/appointments/manage', async (req, res) => {
    await manage.hit(address(req));
    const { token } = parseInput(ManageRequestSchema, req.body);
    answer(res, await manageByToken(ctxOf(deps), token));
  });

  router.post('/appointments/cancel', async (req, res) => {
    await manage.hit(address(req));
    const { token } = parseInput(ManageRequestSchema, req.body);
    answer(res, await cancelByToken(ctx(), token));
  });

  router.post('/appointments/rebook', async (req, res) => {
    await manage.hit(address(req));
    const { token, startsAt } = parseInput(RebookRequestSchema, req.body);
    answer(res, await rebookByToken(ctx(), token, new Date(startsAt)));
  });

  // The join page's view of the appointment while the door is not open, or after it.
  router.post('/appointments/join-view', async (req, res) => {
    await manage.hit(address(req));
    const { token } = parseInput(ManageRequestSchema, req.body);
    const appointment = await joinView(ctxOf(deps), token);
    res.json({ appointment, serverTime: deps.now().toISOString() } satisfies z.infer<typeof JoinViewResponseSchema>);
  });

  // The token comes from the e-mail link's fragment, in the body: never in a URL or a log.
  router.post('/appointments/arrive', async (req, res) => {
    await arrivals.hit(address(req));
    const { token } = parseInput(ManageRequestSchema, req.body);
    const arrival = await arrive(ctxOf(deps), token);
    // One queue per browser (visits.service.ts, knock): the appointment is the place kept, and a
    // walk-in place this browser still held elsewhere is given up, not left behind as a ghost.
    const before = visitCookieOf(deps.config.sessionSecret, req.headers.cookie);
    if (before && before.visitId !== arrival.visitId) await givePlaceUp(ctxOf(deps), before.visitId);
    setVisitCookie(res, deps.config, arrival.visitId, before?.browserKey);
    res.json(arrival satisfies z.infer<typeof ArriveResponseSchema>);
  });

  return router;
}
