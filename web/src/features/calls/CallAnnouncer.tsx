import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callNews, NOTHING_HEARD, type CallNews } from './call-news';
import type { CallSnapshot } from './media/transport';
import { participantName } from './participant-name';

/**
 * The call's news for screen readers, in one polite status: who is in the call and who left, whose
 * microphone went off, who shares a screen. Whoever is there when it first shows is said too (one
 * who joins a running call hears who is in it). Loaded with the devices panel, after the call shows.
 */
export function CallAnnouncer({ snapshot }: { snapshot: CallSnapshot }) {
  const { t } = useTranslation('calls');
  const heard = useRef(NOTHING_HEARD);
  // The news, not its words: after a switch of language the status reads in the new one.
  const [latest, setLatest] = useState<CallNews[]>([]);
  useEffect(() => {
    const { news, heard: now } = callNews(heard.current, snapshot);
    heard.current = now;
    if (news.length > 0) setLatest(news);
  }, [snapshot]);
  return (
    <p className="visually-hidden" role="status" data-testid="call-news">
      {latest
        .map((item) => t(`view.${item.key}`, 'who' in item ? { name: participantName(t, item.who).name } : {}))
        .join(' ')}
    </p>
  );
}
