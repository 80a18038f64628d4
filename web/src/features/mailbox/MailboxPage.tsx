import { pagePath, type MailboxMessage, intlLocale } from '@amtsraum/shared';
import { useId, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from '../../lib/router';
import type { ApiError } from '../../lib/api';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { useMailboxList, useMailboxMessage } from './api';
import './mailbox.css';

/** The mailbox page showing one message. */
const messageLink = (id: string) => `${pagePath('mailbox')}?${new URLSearchParams({ id }).toString()}`;

/**
 * `/dev/mailbox`: what the embedded mode "sent" (issue 6), for development and the browser
 * tests. The API answers 404 when the installation sends through SMTP.
 */
export function MailboxPage() {
  const { t } = useTranslation('mailbox');
  const [params] = useSearchParams();
  const selected = params.get('id');
  return (
    <>
      <PageHeading title={t('title')} />
      <p className="lead">{t('intro')}</p>
      {selected ? <MessageView id={selected} /> : <MessageList />}
    </>
  );
}

function Unavailable({ error, retry }: { error: ApiError; retry: () => void }) {
  const { t } = useTranslation('mailbox');
  const { t: tErrors } = useTranslation('errors');
  if (error.status === 404 && error.code === 'route_not_found') {
    return (
      <p className="panel panel--notice" data-testid="mailbox-unavailable">
        {t('unavailable')}
      </p>
    );
  }
  return (
    <div className="notice notice--warning">
      <p>{tErrors(`codes.${error.code}`)}</p>
      <button type="button" className="button" onClick={retry}>
        {t('reload')}
      </button>
    </div>
  );
}

function useDateTime(): (iso: string) => string {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'medium' });
    return (iso: string) => format.format(new Date(iso));
  }, [locale]);
}

function MessageList() {
  const { t } = useTranslation('mailbox');
  const id = useId();
  const state = useMailboxList();
  const dateTime = useDateTime();
  const { reload } = state;

  if (state.status === 'error') return <Unavailable error={state.error} retry={reload} />;
  const data = state.status === 'success' ? state.data : state.previous;
  if (!data) return <LoadingState />;

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('listHeading')}</h2>
      <p>
        <button type="button" className="button button--secondary" onClick={reload}>
          {t('reload')}
        </button>
      </p>
      <p role="status" className="muted">
        {state.status === 'loading' ? t('loading') : t('count', { count: data.messages.length })}
      </p>
      {data.messages.length > 0 && (
        <div className="table-scroll" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
          <table className="queue-table" data-testid="mailbox-list">
            <caption id={`${id}-caption`}>{t('caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colSubject')}</th>
                <th scope="col">{t('colTo')}</th>
                <th scope="col">{t('colKind')}</th>
                <th scope="col">{t('colState')}</th>
                <th scope="col">{t('colTime')}</th>
              </tr>
            </thead>
            <tbody>
              {data.messages.map((message) => (
                <tr key={message.id} data-testid="mailbox-entry">
                  <th scope="row">
                    <Link to={messageLink(message.id)}>{message.subject}</Link>
                  </th>
                  <td>{message.to}</td>
                  <td>{message.kind}</td>
                  <td>{t(`state.${message.state}`)}</td>
                  <td>{dateTime(message.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The text with its web addresses as links (the manage and join links of the e-mails). */
function linkify(text: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const start = match.index;
    // A sentence's full stop or closing bracket after an address is not part of it.
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    if (start > last) parts.push(text.slice(last, start));
    parts.push(
      <a key={start} href={url}>
        {url}
      </a>,
    );
    last = start + url.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** An attachment as a download: its base64 bytes as a data: address (no blob to release). */
function AttachmentLink({ attachment }: { attachment: MailboxMessage['attachments'][number] }) {
  const { t } = useTranslation('mailbox');
  const type = (attachment.contentType.split(';')[0] ?? '').trim() || 'application/octet-stream';
  const valid = /^[A-Za-z0-9+/]*={0,2}$/.test(attachment.content);
  return (
    <li>
      {valid ? (
        <a href={`data:${type};base64,${attachment.content}`} download={attachment.filename} data-testid="attachment">
          {t('download', { filename: attachment.filename })}
        </a>
      ) : (
        attachment.filename
      )}{' '}
      <span className="muted">({type})</span>
    </li>
  );
}

function MessageView({ id: messageId }: { id: string }) {
  const { t } = useTranslation('mailbox');
  const id = useId();
  const dateTime = useDateTime();
  const state = useMailboxMessage(messageId);
  const back = (
    <p>
      <Link to={pagePath('mailbox')}>{t('back')}</Link>
    </p>
  );

  if (state.status === 'loading') return <LoadingState />;
  if (state.status === 'error') {
    return (
      <>
        {state.error.status === 404 ? (
          <p className="panel panel--notice" data-testid="mailbox-unavailable">
            {t('messageNotFound')}
          </p>
        ) : (
          <Unavailable error={state.error} retry={state.reload} />
        )}
        {back}
      </>
    );
  }
  const message = state.data;
  return (
    <article aria-labelledby={`${id}-subject`} data-testid="mailbox-message">
      {back}
      <h2 id={`${id}-subject`}>{message.subject}</h2>
      <dl className="facts">
        <div>
          <dt>{t('colTo')}</dt>
          <dd data-testid="message-to">{message.to}</dd>
        </div>
        <div>
          <dt>{t('colKind')}</dt>
          <dd>{message.kind}</dd>
        </div>
        <div>
          <dt>{t('colState')}</dt>
          <dd>{t(`state.${message.state}`)}</dd>
        </div>
        <div>
          <dt>{t('colTime')}</dt>
          <dd>{dateTime(message.createdAt)}</dd>
        </div>
      </dl>
      <h3>{t('text')}</h3>
      <div className="mail-text" data-testid="message-text">
        {linkify(message.text)}
      </div>
      <h3>{t('attachments')}</h3>
      {message.attachments.length === 0 ? (
        <p>{t('noAttachments')}</p>
      ) : (
        <ul>
          {message.attachments.map((attachment, index) => (
            <AttachmentLink key={index} attachment={attachment} />
          ))}
        </ul>
      )}
    </article>
  );
}
