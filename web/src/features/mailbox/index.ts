// The development mailbox: what the embedded mode would have sent.
export { MailboxPage } from './MailboxPage';
