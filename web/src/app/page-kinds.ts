import type { PageName } from '@amtsraum/shared';

/**
 * The pages citizens, interpreters and guests open: their elements are in routes.tsx, in the first
 * download (the feature pages among them load lazily, each on its own).
 */
export type CitizenPageName =
  | 'home'
  | 'tenant'
  | 'imprint'
  | 'privacy'
  | 'accessibility'
  | 'faq'
  | 'department'
  | 'waitingRoom'
  | 'booking'
  | 'manageAppointment'
  | 'joinAppointment'
  | 'invite'
  | 'call'
  | 'callEnded';

/**
 * Every other page of the page table, which only staff and the town hall's devices open: their
 * elements are in staff-pages.tsx, one chunk for all, out of citizens' first download (issue 14).
 */
export type StaffPageName = Exclude<PageName, CitizenPageName>;
