// Appointments' public face: the citizen's booking, manage and join pages, and the booking
// pieces the clerk's console reuses.
export { useBookingInfo } from './api';
export { ServiceNames } from './AppointmentFacts';
export { BookingFlow, type BookingDraft, type BookingStep } from './BookingFlow';
export { BookingPage } from './BookingPage';
export { JoinPage } from './JoinPage';
export { ManagePage } from './ManagePage';
export { SlotPicker } from './SlotPicker';
export { slotWords, useSlotName } from './useSlotName';
