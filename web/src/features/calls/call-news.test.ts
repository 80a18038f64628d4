import { describe, expect, it } from 'vitest';
import { callNews, NOTHING_HEARD, type Heard } from './call-news';
import { emptyParticipant, SnapshotStore, type ParticipantView } from './media/transport';

const self = { identity: 'citizen-1', name: 'Erika Mustermann', role: 'citizen' as const, canShareScreen: false };
const clerk = (patch: Partial<ParticipantView> = {}): ParticipantView => ({
  ...emptyParticipant({ identity: 'clerk-2', name: 'Anna Schmidt', role: 'clerk', canShareScreen: true }, false),
  microphone: true,
  camera: true,
  ...patch,
});

/** Feeds the snapshots one after another; returns what was said at each, as keys with whom. */
function said(...steps: { remotes: ParticipantView[]; selfScreen?: boolean }[]): string[][] {
  let heard: Heard = NOTHING_HEARD;
  return steps.map(({ remotes, selfScreen = false }) => {
    const store = new SnapshotStore(self);
    store.update({ remotes });
    store.updateSelf({ screen: selfScreen });
    const result = callNews(heard, store.get());
    heard = result.heard;
    return result.news.map((item) => ('who' in item ? `${item.key} ${item.who.name}` : item.key));
  });
}

describe('callNews', () => {
  it('says who comes, and who goes, with their name', () => {
    expect(said({ remotes: [] }, { remotes: [clerk()] }, { remotes: [clerk()] }, { remotes: [] })).toEqual([
      [],
      ['joined Anna Schmidt'],
      [],
      ['left Anna Schmidt'],
    ]);
  });

  it('says whose microphone went off, and on again after that, but not one that comes on as they join', () => {
    expect(
      said(
        { remotes: [clerk({ microphone: false })] },
        { remotes: [clerk()] },
        { remotes: [clerk({ microphone: false, speaking: false })] },
        { remotes: [clerk({ microphone: false, camera: false })] },
        { remotes: [clerk()] },
        { remotes: [clerk({ microphone: false })] },
      ),
    ).toEqual([
      ['joined Anna Schmidt'],
      [],
      ['micOff Anna Schmidt'],
      [],
      ['micOn Anna Schmidt'],
      ['micOff Anna Schmidt'],
    ]);
  });

  it('says who shares a screen and when it stops, one’s own share in words of its own', () => {
    expect(
      said(
        { remotes: [clerk()] },
        { remotes: [clerk({ screen: true })] },
        { remotes: [clerk()] },
        { remotes: [clerk()], selfScreen: true },
        { remotes: [clerk()] },
      ),
    ).toEqual([
      ['joined Anna Schmidt'],
      ['screenStarted Anna Schmidt'],
      ['screenStopped'],
      ['ownScreen'],
      ['screenStopped'],
    ]);
  });

  it('says who is already there, and sharing, to one who joins a running call', () => {
    expect(said({ remotes: [clerk({ screen: true })] })).toEqual([
      ['joined Anna Schmidt', 'screenStarted Anna Schmidt'],
    ]);
  });

  it('says a sharer who leaves is gone, and that the screen is no longer shared', () => {
    expect(said({ remotes: [clerk({ screen: true })] }, { remotes: [] })[1]).toEqual([
      'left Anna Schmidt',
      'screenStopped',
    ]);
  });
});
