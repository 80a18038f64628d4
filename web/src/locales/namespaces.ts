/**
 * The namespace names, apart from resources.ts: code that needs only the names must not pull in
 * every language's strings (issue 14: the door page's first load).
 */
export const NAMESPACES = [
  'admin',
  'accounts',
  'appointments',
  'audit',
  'calls',
  'collisions',
  'common',
  'console',
  'directory',
  'errors',
  'absences',
  'identity-provider',
  'invites',
  'legal',
  'mailbox',
  'moreErrors',
  'security',
  'offer',
  'visits',
  'waiting',
  'kiosk',
  'display',
  'devices',
] as const;
export type Namespace = (typeof NAMESPACES)[number];
