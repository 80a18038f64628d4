import {
  KioskProblemSchema,
  KioskStateResponseSchema,
  KioskTicketResponseSchema,
  type KioskCheckInRequest,
  type KioskProblem,
  type KioskState,
  type KioskTicket,
  type KioskTicketRequest,
  type Locale,
} from '@amtsraum/shared';
import { safeParse } from 'zod/mini';
import { getJson, request } from '../../lib/api';

/** The kiosk's calls to the server (issue 16). Each sends the kiosk's chosen language. */

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
