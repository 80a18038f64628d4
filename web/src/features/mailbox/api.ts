import { MailboxListSchema, MailboxMessageSchema } from '@amtsraum/shared';
import { getJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

// The dev mailbox API exists only in the embedded mode; elsewhere it answers 404.

export const useMailboxList = () =>
  useLoad('mailbox', (signal) => getJson('/api/dev/mailbox', MailboxListSchema, { language: currentLocale(), signal }));

export const useMailboxMessage = (id: string) =>
  useLoad(`mailbox:${id}`, (signal) =>
    getJson(`/api/dev/mailbox/${encodeURIComponent(id)}`, MailboxMessageSchema, {
      language: currentLocale(),
      signal,
    }),
  );
