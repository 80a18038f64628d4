// The development mailbox: what the embedded mode would have sent. Loaded when opened (issue 14).
import { lazyComponent } from '../../lib/lazy-component';

export const MailboxPage = lazyComponent(
  () => import('./MailboxPage').then((m) => m.MailboxPage),
  ['mailbox', 'moreErrors'],
);
