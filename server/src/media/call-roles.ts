/** Who may be in a visit's call, and what each may publish. Shared by both transports. */
export const CALL_ROLES = ['clerk', 'citizen', 'interpreter', 'guest'] as const;
export type CallRole = (typeof CALL_ROLES)[number];

export interface CallGrant {
  visitId: string;
  departmentId: string;
  role: CallRole;
  /** Stable per person and visit; never a name the participant chose. */
  identity: string;
  name: string;
  /** Clerks share their screen by default; others only when the clerk allows it. */
  canShareScreen: boolean;
  /** For the clerk: the interpreter language the citizen asked for, to invite one in a click. */
  interpreterLanguage?: string | null;
}

/** The one room name for a visit's call: derived from the visit id, useless without a grant. */
export function roomNameFor(visitId: string): string {
  return `visit-${visitId}`;
}
