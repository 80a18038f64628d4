import {
  CallJoinResponseSchema,
  CallPreviewSchema,
  CallStatusSchema,
  HealthResponseSchema,
  type CallJoinResponse,
  type CallPreview,
  type CallStatus,
  type HealthResponse,
  type ScreenShareRequest,
} from '@amtsraum/shared';
import { getJson, sendForNothing, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';

export type MediaSetup = HealthResponse['media'];

const segment = encodeURIComponent;
const options = () => ({ language: currentLocale() });

/** The server's grant for this visit's call, and the transport it chose. 403 `forbidden` otherwise. */
export function joinCall(visitId: string): Promise<CallJoinResponse> {
  return sendJson('POST', `/api/calls/${segment(visitId)}/join`, undefined, CallJoinResponseSchema, options());
}

/** Whether this browser's call still runs: asked when its media connection is lost, or after leaving it (`useCallOver`). */
export function callStatus(visitId: string): Promise<CallStatus> {
  return getJson(`/api/calls/${segment(visitId)}/status`, CallStatusSchema, options());
}

/** LiveKit calls: the clerk lets the citizen share their screen, or stops them. */
/** The clerk allows or withdraws screen sharing for the citizen or an invitee in the call. */
export function allowScreenShare(visitId: string, identity: string, allowed: boolean): Promise<void> {
  const body: ScreenShareRequest = { allowed, identity };
  return sendForNothing('POST', `/api/calls/${segment(visitId)}/screen-share`, body, options());
}

/** For a citizen still waiting: what their call will run on (peer-to-peer: its grant; never a token). */
export function previewCall(visitId: string): Promise<CallPreview> {
  return sendJson('POST', `/api/calls/${segment(visitId)}/preview`, undefined, CallPreviewSchema, options());
}

/**
 * What this installation's calls run on, and whether LiveKit's are end-to-end encrypted, from the
 * public health answer (both are the installation's, not a visit's): lets a page load LiveKit's
 * code, and its encryption worker where calls are encrypted, before a call is near.
 */
export async function mediaSetup(): Promise<MediaSetup> {
  return (await getJson('/api/health', HealthResponseSchema, options())).media;
}
