import type { CallJoinResponse, CallPreview } from '@amtsraum/shared';
import { joinCall, mediaSetup, previewCall, type MediaSetup } from './api';
import { openCallChannel } from './media/channel';
import { P2pTransport } from './media/p2p-transport';
import type { SignallingChannel } from './media/signalling';
import type { CallTransport, LocalMedia } from './media/transport';
import { claimPreparedCall, handOverPreparedCall } from './prepared-call';

/**
 * The call of a prepared visit, started the moment it is let in (issue 14: admit → first frame):
 * devices handed over, grant asked for, transport built and joined, all before the call page has
 * rendered once; the page adopts the call under way. Every step after the other in one promise
 * chain, not one per render of the page (that cost a few hundred milliseconds on each side, and
 * the clerk's side is what the citizen waits for). Framework-free like prepared-call.ts: the
 * call outlives the waiting room or console that started it.
 */

export interface CallUnderWay {
  grant: CallJoinResponse;
  transport: CallTransport;
  /** The p2p signalling channel, closed by whoever disposes the transport; null for LiveKit. */
  channel: (SignallingChannel & { close(): void }) | null;
  /** Settles when the transport has joined; rejects when joining failed (tracks stopped then). */
  joined: Promise<void>;
  /** The devices it joined with, as a reload during the call reopens them (kept-devices.ts). */
  devices: { audioDeviceId: string | null; videoDeviceId: string | null; camera: boolean; microphone: boolean };
}

export interface CallAheadDeps {
  ask: (visitId: string) => Promise<CallJoinResponse>;
  claimDevices: (visitId: string) => Promise<LocalMedia | null>;
  build: (visitId: string, grant: CallJoinResponse) => Promise<Omit<CallUnderWay, 'grant' | 'joined' | 'devices'>>;
}

/** A call nobody adopts (the call page failed to open) must not keep camera and connection. */
const UNADOPTED_MS = 30_000;

async function buildTransport(
  visitId: string,
  grant: CallJoinResponse,
): Promise<Omit<CallUnderWay, 'grant' | 'joined' | 'devices'>> {
  if (grant.transport === 'p2p') {
    const channel = openCallChannel();
    const transport = new P2pTransport({ visitId, self: grant.self, iceServers: grant.iceServers, channel });
    return { transport, channel };
  }
  const { LivekitTransport } = await import('./media/livekit-transport');
  const transport = new LivekitTransport({
    visitId,
    self: grant.self,
    url: grant.url,
    token: grant.token,
    e2eeKey: grant.e2eeKey,
  });
  return { transport, channel: null };
}

const defaults: CallAheadDeps = { ask: joinCall, claimDevices: claimPreparedCall, build: buildTransport };

let preview: { visitId: string; answer: Promise<CallPreview> } | null = null;

/**
 * LiveKit's code (the transport chunk, ~140 kB gzip) and, where calls are end-to-end encrypted,
 * its encryption worker, loaded and started while a LiveKit call is near, so that the admit waits
 * for neither (issue 14). Without encryption no call would take the worker: none is started.
 * Never from the door page: only the device check while waiting (waiting room, console, invite
 * page) calls it.
 * Nothing goes to LiveKit.
 */
function preloadLivekit(encrypted: boolean): void {
  void import('./media/livekit-transport').then(
    ({ warmUpLivekit }) => {
      if (encrypted) warmUpLivekit();
    },
    () => {
      // offline for a moment: the call loads it when it starts
    },
  );
}

let installation: Promise<MediaSetup> | null = null;

/** The installation's media setup, asked once per page while it is known (again after a failure). */
function installationMedia(ask: () => Promise<MediaSetup>): Promise<MediaSetup> {
  const asked = installation ?? ask();
  installation = asked;
  asked.catch(() => {
    if (installation === asked) installation = null;
  });
  return asked;
}

/**
 * A clerk with devices ready in the console (or an invitee in their lobby, whose call starts when
 * they may enter): the installation's transport asked once, and when it
 * is LiveKit, its code loaded (and a worker started, where calls are encrypted) when the browser
 * is idle (the console stays responsive meanwhile); again on each device check, since each call
 * takes the spare worker.
 */
export function preloadClerkCall(setup: () => Promise<MediaSetup> = mediaSetup): void {
  installationMedia(setup).then(
    ({ mode, e2ee }) => {
      if (mode !== 'livekit') return;
      const preload = () => preloadLivekit(e2ee);
      if (typeof requestIdleCallback === 'function') requestIdleCallback(preload, { timeout: 2_000 });
      else setTimeout(preload, 0);
    },
    () => {
      // asked again by the next device check; the call loads the code when it starts otherwise
    },
  );
}

/**
 * While a prepared citizen waits: what their call will run on, asked once. Peer-to-peer, the
 * grant comes with it, and the call starts without a request when they are let in; LiveKit's
 * code loads meanwhile (its token only after the admit: decision 012, addendum).
 */
export function previewCallAhead(
  visitId: string,
  ask: (visitId: string) => Promise<CallPreview> = previewCall,
  setup: () => Promise<MediaSetup> = mediaSetup,
): void {
  if (preview?.visitId === visitId) return;
  const answer = ask(visitId);
  preview = { visitId, answer };
  answer.then(
    (previewed) => {
      if (previewed.transport !== 'livekit') return;
      // Whether its calls are encrypted is the installation's: not known, no spare worker.
      installationMedia(setup).then(
        ({ e2ee }) => preloadLivekit(e2ee),
        () => preloadLivekit(false),
      );
    },
    () => {
      // nothing known ahead: the call asks for its grant as before
      if (preview?.answer === answer) preview = null;
    },
  );
}

/**
 * The grant for this visit's call: the one that came with the clerk's admit, or from the preview
 * when it had one, else asked for now.
 */
async function grantOf(
  visitId: string,
  ask: CallAheadDeps['ask'],
  granted: CallJoinResponse | undefined,
): Promise<CallJoinResponse> {
  if (granted?.visitId === visitId) return granted;
  if (preview?.visitId === visitId) {
    const previewed = await preview.answer.catch(() => null);
    if (previewed?.transport === 'p2p') return previewed.grant;
  }
  return ask(visitId);
}

let ahead: { visitId: string; call: Promise<CallUnderWay>; adopted: boolean } | null = null;

function stop(local: LocalMedia): void {
  for (const track of [local.audio, local.video]) track?.stop();
}

function dispose(call: Promise<CallUnderWay>): void {
  call.then(
    ({ transport, channel }) => {
      transport.dispose();
      channel?.close();
    },
    () => {
      // nothing was built
    },
  );
}

/**
 * Starts the call of `visitId` with the devices prepared on this page; false (and nothing
 * started) when nothing is prepared or ready: the call page then goes the usual way. `granted`:
 * the join answer already in hand (the clerk's came with their admit).
 */
export function startCallAhead(
  visitId: string,
  { granted, deps = defaults }: { granted?: CallJoinResponse; deps?: CallAheadDeps } = {},
): boolean {
  if (!handOverPreparedCall(visitId)) return false;
  if (ahead && !ahead.adopted) dispose(ahead.call);
  const call = (async (): Promise<CallUnderWay> => {
    const devices = deps.claimDevices(visitId);
    let grant: CallJoinResponse;
    try {
      grant = await grantOf(visitId, deps.ask, granted);
    } catch (error) {
      // Refused (the visit ended a moment ago): the camera goes off with it.
      const local = await devices;
      if (local) stop(local);
      throw error;
    }
    const local = await devices;
    if (!local) throw new Error('the prepared devices were taken');
    let built: Omit<CallUnderWay, 'grant' | 'joined' | 'devices'>;
    try {
      built = await deps.build(visitId, grant);
    } catch (error) {
      stop(local);
      throw error;
    }
    const joined = built.transport.join(local).catch((error: unknown) => {
      stop(local);
      throw error;
    });
    joined.catch(() => {
      // told to the page that adopts the call
    });
    const kept = {
      audioDeviceId: local.audioDeviceId,
      videoDeviceId: local.videoDeviceId,
      camera: local.video !== null,
      microphone: local.audio !== null,
    };
    return { grant, ...built, joined, devices: kept };
  })();
  const entry = { visitId, call, adopted: false };
  ahead = entry;
  call.catch(() => {
    // told to the page that adopts the call
  });
  setTimeout(() => {
    if (ahead === entry && !entry.adopted) {
      ahead = null;
      dispose(call);
    }
  }, UNADOPTED_MS);
  return true;
}

/**
 * The call started ahead for this visit, or null. Looking does not take it (React may run the
 * page's effect twice); `adoptCallAhead` does, once the page shows the call.
 */
export function callAheadFor(visitId: string): Promise<CallUnderWay> | null {
  return ahead?.visitId === visitId && !ahead.adopted ? ahead.call : null;
}

/** The page shows this call now and disposes it when it goes: no timer may dispose it any more. */
export function adoptCallAhead(call: Promise<CallUnderWay>): void {
  if (ahead?.call === call) {
    ahead.adopted = true;
    ahead = null;
  }
}
