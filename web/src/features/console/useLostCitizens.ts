import type { QueueEntry } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getLiveClient } from '../../lib/live-client';
import { LostAnnouncer, type LostNews } from './lost-announcer';
import { useVisitName } from './OnsiteDesk';

/** Past this many names, an announcement says how many instead. */
const NAMES_SAID_MAX = 4;

/**
 * The department's waiting citizens whose page is not connected now, as the console's live
 * messages tell it; `null` until the first message. In the console's chunk, not lib/useLive.ts:
 * the door page loads that. The message comes with `useLiveConsole`'s watch, which this hook
 * relies on.
 */
export function useLostCitizens(departmentId: string): ReadonlySet<string> | null {
  const [lost, setLost] = useState<{ id: string; visits: ReadonlySet<string> } | null>(null);
  useEffect(() => {
    return getLiveClient().on((message) => {
      if (message.type === 'console-connections' && message.departmentId === departmentId) {
        setLost({ id: departmentId, visits: new Set(message.lost) });
      }
    });
  }, [departmentId]);
  return lost?.id === departmentId ? lost.visits : null;
}

/**
 * What the console's polite live region says of citizens lost and back (lost-announcer.ts): the
 * row's mark alone reached a screen reader only when the clerk read the table again.
 */
export function useLostAnnouncement(lost: ReadonlySet<string> | null, queue: QueueEntry[]): string {
  const { t, i18n } = useTranslation('console');
  const visitName = useVisitName();
  const [said, setSaid] = useState('');
  const latest = useRef({ queue, t, visitName, locale: i18n.resolvedLanguage ?? i18n.language });
  const locale = i18n.resolvedLanguage ?? i18n.language;
  // Read when an announcement is due (after a rest): the names and language of then.
  useEffect(() => {
    latest.current = { queue, t, visitName, locale };
  });
  const announcer = useRef<LostAnnouncer | null>(null);
  useEffect(() => {
    const made = new LostAnnouncer((news: LostNews) => {
      const { queue: entries, t: tr, visitName: nameOf, locale: language } = latest.current;
      const names = (ids: string[]) => {
        const list = ids.flatMap((id) => {
          const entry = entries.find((candidate) => candidate.id === id);
          return entry ? [nameOf(entry)] : [];
        });
        return new Intl.ListFormat(language, { type: 'conjunction' }).format(list);
      };
      const parts: string[] = [];
      if (news.lost.length > NAMES_SAID_MAX) parts.push(tr('console.lostSaidCount', { count: news.lost.length }));
      else if (news.lost.length > 0) parts.push(tr('console.lostSaid', { names: names(news.lost) }));
      if (news.back.length > NAMES_SAID_MAX) parts.push(tr('console.backSaidCount', { count: news.back.length }));
      else if (news.back.length > 0) parts.push(tr('console.backSaid', { names: names(news.back) }));
      setSaid(parts.join(' '));
    });
    announcer.current = made;
    return () => {
      made.stop();
      announcer.current = null;
    };
  }, []);
  useEffect(() => {
    announcer.current?.update(lost, new Set(queue.map((entry) => entry.id)));
  }, [lost, queue]);
  return said;
}
