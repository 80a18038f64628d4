import { ChatTextSchema } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatClock } from '../../ui/format';
import type { ChatEntry } from './media/transport';
import { participantName } from './participant-name';

const SLOT = '\uE000';

/**
 * "Name, 10:32" with the name set apart (<bdi>): an Arabic name took the time and comma into its
 * right-to-left run, and the line read "10:32 ,مريم حسن", the time first.
 */
function SenderLine({ line, name }: { line: string; name: string }) {
  const [before, after] = line.split(SLOT);
  return (
    <>
      {before}
      <bdi>{name}</bdi>
      {after}
    </>
  );
}

/**
 * In-call text chat: relayed, never stored. New messages are read out politely (role="log").
 * Senders are named as their tiles name them: an invitee who gave no name, by the role for a link
 * made without a label (the English reader read the clerk's "Dolmetscherin/Dolmetscher").
 * Times read the municipality's clock, as the console's do: an interpreter abroad and the clerk
 * see the same time beside a message.
 */
export function ChatPanel({
  messages,
  timeZone,
  onSend,
  id,
}: {
  messages: ChatEntry[];
  timeZone: string;
  onSend: (text: string) => void;
  id: string;
}) {
  const { t, i18n } = useTranslation('calls');
  const [text, setText] = useState('');
  // The server refuses what the chat must not carry; said here, with the text kept to correct.
  const [refused, setRefused] = useState(false);
  const listRef = useRef<HTMLDivElement>(null);
  const inputId = useId();
  const errorId = useId();
  const locale = i18n.resolvedLanguage ?? i18n.language;

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    if (!ChatTextSchema.safeParse(text).success) {
      setRefused(true);
      return;
    }
    onSend(text);
    setText('');
  };

  return (
    <section id={id} className="chat" aria-labelledby={`${id}-heading`} data-testid="chat">
      <h2 id={`${id}-heading`}>{t('chat.heading')}</h2>
      <p className="muted chat__hint">{t('chat.hint')}</p>
      <div ref={listRef} className="chat__messages" role="log" aria-label={t('chat.messages')} tabIndex={0}>
        <ol className="plain-list chat__list">
          {messages.length === 0 && <li className="muted">{t('chat.empty')}</li>}
          {messages.map((message) => (
            <li key={message.id} className={`chat__message${message.isSelf ? ' chat__message--self' : ''}`}>
              <span className="chat__meta">
                <SenderLine
                  line={t('chat.meta', { name: SLOT, time: formatClock(new Date(message.at), locale, timeZone) })}
                  name={
                    message.role ? participantName(t, { name: message.name, role: message.role }).name : message.name
                  }
                />
              </span>
              <span className="chat__text">{message.text}</span>
            </li>
          ))}
        </ol>
      </div>
      <form className="chat__form" onSubmit={submit}>
        <label htmlFor={inputId} className="visually-hidden">
          {t('chat.label')}
        </label>
        <input
          id={inputId}
          type="text"
          value={text}
          maxLength={1000}
          autoComplete="off"
          placeholder={t('chat.label')}
          aria-invalid={refused || undefined}
          aria-describedby={refused ? errorId : undefined}
          onChange={(event) => {
            setText(event.target.value);
            setRefused(false);
          }}
        />
        <button type="submit" className="button">
          {t('chat.send')}
        </button>
      </form>
      {refused && (
        <p id={errorId} className="field__error" role="alert">
          {t('chat.refused')}
        </p>
      )}
    </section>
  );
}
