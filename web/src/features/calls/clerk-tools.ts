import type { ReactNode } from 'react';

/** The call a clerk is in, as the tools around it need it. */
export interface ClerkCall {
  departmentId: string;
  visitId: string;
  /** The interpreter language the citizen asked for, if any. */
  interpreterLanguage: string | null;
  /** The municipality's (the grant's): an invite's validity is typed and shown on its clock. */
  timeZone: string;
}

/**
 * What the clerk has in the call beyond the call itself. The call UI offers the places; the page
 * hosting it plugs the tools in (the console's `clerkCallTools`), so calls import no other feature.
 */
export interface ClerkTools {
  /** Always shown while the clerk is in the call (e.g. people waiting in an invite's lobby). */
  notice?: ReactNode;
  /** The panel behind the call's "invite" control. */
  invitePanel?: ReactNode;
  /** Finishes the visit, which ends the call for everyone. */
  endForEveryone?: () => Promise<void>;
  /**
   * The citizen let in never joined: the visit ends as a no-show (its call ends, an appointment it
   * came for is missed). Offered while the citizen is not in the call.
   */
  noShow?: () => Promise<void>;
}
