// Appointments' public face: the citizen's booking, manage and join pages (each loaded when
// opened, issue 14), and the booking pieces the clerk's console reuses.
import { lazyComponent } from '../../lib/lazy-component';

export { useBookingInfo } from './api';
export { ServiceNames } from './AppointmentFacts';
export { BookingFlow, type BookingDraft, type BookingStep } from './BookingFlow';
export { learnServerTime, serverNow } from './server-clock';
export { SlotPicker } from './SlotPicker';
export { slotWords, useSlotName } from './useSlotName';

export const BookingPage = lazyComponent(
  () => import('./BookingPage').then((m) => m.BookingPage),
  ['appointments', 'moreErrors'],
);
export const JoinPage = lazyComponent(
  () => import('./JoinPage').then((m) => m.JoinPage),
  ['appointments', 'moreErrors'],
);
export const ManagePage = lazyComponent(
  () => import('./ManagePage').then((m) => m.ManagePage),
  ['appointments', 'moreErrors'],
);
