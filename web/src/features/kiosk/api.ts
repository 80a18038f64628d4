import {
  DeviceResponseSchema,
  KioskProblemSchema,
  KioskStateResponseSchema,
  KioskTicketResponseSchema,
  type DeviceView,
  type KioskCheckInRequest,
  type KioskProblem,
  type KioskState,
  type KioskTicket,
  type KioskTicketRequest,
  type Locale,
} from '@amtsraum/shared';
import { safeParse } from 'zod/mini';
import { ApiError, getJson, problemOf, request } from '../../lib/api';

/** The kiosk's calls to the server (issue 16). Each sends the kiosk's chosen language. */

/** This browser's pairing: the device, or null when it is not (or no longer) a paired kiosk. */
export async function fetchPairedKiosk(language: Locale, signal?: AbortSignal): Promise<DeviceView | null> {
  try {
    const { device } = await getJson('/api/devices/kiosk/me', DeviceResponseSchema, { language, signal });
    return device;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'device_not_paired') return null;
    throw error;
  }
}

/**
 * Pairs this browser by the admin's one-time code. A minimal stand-in until the devices feature's
 * own pairing form (another part of issue 16) is reconciled with this page.
 */
export async function pairKiosk(code: string, language: Locale): Promise<DeviceView> {
  const response = await request('POST', '/api/devices/pair', { code }, { language });
  if (!response.ok) throw await problemOf(response);
  const parsed = safeParse(DeviceResponseSchema, await response.json().catch(() => undefined));
  if (!parsed.success) throw new ApiError('invalid_response', response.status);
  return parsed.data.device;
}

export async function fetchKioskState(language: Locale, signal?: AbortSignal): Promise<KioskState> {
  return (await getJson('/api/kiosk', KioskStateResponseSchema, { language, signal })).kiosk;
}

/**
 * A refusal of the kiosk's check-in or ticket: the code, and the facts the kiosk explains it with
 * (the appointment's day, the other department, when check-in opens), which the ordinary problem
 * parser leaves out.
 */
export class KioskRefusal extends Error {
  constructor(
    readonly code: KioskProblem['code'] | 'network_error' | 'invalid_response',
    readonly problem: Partial<KioskProblem> = {},
  ) {
    super(code);
    this.name = 'KioskRefusal';
  }
}

async function send(path: string, body: unknown, language: Locale): Promise<KioskTicket> {
  let response: Response;
  try {
    response = await request('POST', path, body, { language });
  } catch {
    throw new KioskRefusal('network_error');
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = safeParse(KioskProblemSchema, json);
    throw problem.success ? new KioskRefusal(problem.data.code, problem.data) : new KioskRefusal('invalid_response');
  }
  const parsed = safeParse(KioskTicketResponseSchema, json);
  if (!parsed.success) throw new KioskRefusal('invalid_response');
  return parsed.data.ticket;
}

export const checkIn = (body: KioskCheckInRequest, language: Locale) => send('/api/kiosk/check-in', body, language);
export const drawTicket = (body: KioskTicketRequest, language: Locale) => send('/api/kiosk/tickets', body, language);
