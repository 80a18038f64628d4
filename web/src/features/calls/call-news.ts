import { screenShareFocus, type CallSnapshot, type ParticipantView } from './media/transport';

/** One thing a screen reader is told about the call: a key of `calls:view`, and whom it is about. */
export type CallNews =
  | { key: 'joined' | 'left' | 'micOff' | 'micOn' | 'screenStarted'; who: ParticipantView }
  | { key: 'ownScreen' | 'screenStopped' };

/** What was said so far: who was there, whose screen was shared, whose microphone was said off. */
export interface Heard {
  remotes: readonly ParticipantView[];
  sharing: string | null;
  muted: ReadonlySet<string>;
}

export const NOTHING_HEARD: Heard = { remotes: [], sharing: null, muted: new Set() };

/**
 * What changed since `heard`, in words a screen reader says: who came and who went (a blind
 * person heard the other side fall silent, and no more), whose microphone went off (and on again
 * after that: a microphone that comes on as someone joins is no news), and who shares a screen.
 */
export function callNews(heard: Heard, snapshot: CallSnapshot): { news: CallNews[]; heard: Heard } {
  const news: CallNews[] = [];
  const muted = new Set<string>();
  for (const who of snapshot.remotes) {
    const before = heard.remotes.find((p) => p.identity === who.identity);
    if (!before) news.push({ key: 'joined', who });
    else if (before.microphone && !who.microphone) news.push({ key: 'micOff', who });
    else if (!before.microphone && who.microphone && heard.muted.has(who.identity)) news.push({ key: 'micOn', who });
    if (!who.microphone && (heard.muted.has(who.identity) || before?.microphone)) muted.add(who.identity);
  }
  for (const who of heard.remotes) {
    if (!snapshot.remotes.some((p) => p.identity === who.identity)) news.push({ key: 'left', who });
  }
  const focus = screenShareFocus(snapshot);
  const sharing = focus?.identity ?? null;
  if (sharing !== heard.sharing) {
    if (!focus) news.push({ key: 'screenStopped' });
    else news.push(focus.isSelf ? { key: 'ownScreen' } : { key: 'screenStarted', who: focus });
  }
  return { news, heard: { remotes: snapshot.remotes, sharing, muted } };
}
