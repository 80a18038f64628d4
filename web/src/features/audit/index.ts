// The audit log viewer for admins (issue 15, item 6). Loaded when opened (issue 14).
import { lazyComponent } from '../../lib/lazy-component';

export const AuditLogPage = lazyComponent(
  () => import('./AuditLogPage').then((m) => m.AuditLogPage),
  ['audit', 'moreErrors'],
);
