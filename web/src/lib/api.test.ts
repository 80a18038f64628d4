import { CitizenVisitResponseSchema, PROBLEM_CONTENT_TYPE } from '@amtsraum/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendForNothing, sendJson, toApiError, type ApiError } from './api';

// The knock form and the console translate failures by code and read the problem's extras
// (field errors, next opening, Retry-After); these pin how a response becomes an ApiError.

function problem(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ type: 'about:blank', title: 'x', status, ...body }), {
    status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}

function answer(response: Response) {
  const fetchMock = vi.fn(() => Promise.resolve(response));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return toApiError(error);
  }
  throw new Error('expected a rejection');
}

const knock = (body: unknown = { name: 'A' }) =>
  sendJson('POST', '/api/knock', body, CitizenVisitResponseSchema, { language: 'de' });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('sendJson', () => {
  it('sends JSON with the interface language', async () => {
    const fetchMock = answer(problem(409, { code: 'queue_full' }));
    await failure(knock({ name: 'Erika' }));
    const [path, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(path).toBe('/api/knock');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"name":"Erika"}');
    expect(init.headers).toMatchObject({ 'Accept-Language': 'de', 'Content-Type': 'application/json' });
  });

  it('reads the next opening from a door_closed problem’s opensAt', async () => {
    answer(problem(409, { code: 'door_closed', opensAt: '2026-11-23T07:00:00.000Z' }));
    const error = await failure(knock());
    expect(error.code).toBe('door_closed');
    expect(error.nextOpening?.toISOString()).toBe('2026-11-23T07:00:00.000Z');
  });

  it('has no next opening when the problem names none or no instant, and never reads `detail`', async () => {
    answer(problem(409, { code: 'queue_full' }));
    expect((await failure(knock())).nextOpening).toBeNull();
    answer(problem(409, { code: 'door_closed', opensAt: 'soon' }));
    expect((await failure(knock())).nextOpening).toBeNull();
    // The old token form: a detail is for developers' eyes, nothing parses it.
    answer(problem(409, { code: 'door_closed', detail: 'next-opening=2026-11-23T07:00:00.000Z' }));
    const old = await failure(knock());
    expect([old.nextOpening, old.extras]).toEqual([null, { title: 'x' }]);
  });

  // The server's own words: said when the page's words for the code could not be downloaded.
  it('carries the typed reason and caller of a refusal, and the server’s words for it', async () => {
    answer(problem(403, { code: 'forbidden', caller: 'staff', title: 'Das dürfen Sie hier nicht.' }));
    expect((await failure(knock())).extras).toEqual({ caller: 'staff', title: 'Das dürfen Sie hier nicht.' });
    answer(problem(403, { code: 'forbidden', reason: 'lock_out', errors: [{ path: 'active', message: 'x' }] }));
    expect((await failure(knock())).extras).toEqual({
      reason: 'lock_out',
      fieldErrors: [{ path: 'active', message: 'x' }],
      title: 'x',
    });
  });

  it('marks the answers of staff and admin routes, whose codes are said in staff words', async () => {
    const staffAnswer = problem(404, { code: 'visit_not_found' });
    Object.defineProperty(staffAnswer, 'url', { value: 'http://localhost/api/staff/departments/d/visits/v/admit' });
    answer(staffAnswer);
    expect((await failure(knock())).extras.forStaff).toBe(true);
    const citizenAnswer = problem(404, { code: 'visit_not_found' });
    Object.defineProperty(citizenAnswer, 'url', { value: 'http://localhost/api/visit/leave' });
    answer(citizenAnswer);
    expect((await failure(knock())).extras.forStaff).toBeUndefined();
  });

  it('keeps field errors of validation_failed and the Retry-After of rate_limited', async () => {
    answer(problem(400, { code: 'validation_failed', errors: [{ path: 'name', message: 'too long' }] }));
    expect((await failure(knock())).extras.fieldErrors).toEqual([{ path: 'name', message: 'too long' }]);
    answer(problem(429, { code: 'rate_limited' }, { 'retry-after': '42' }));
    const limited = await failure(knock());
    expect(limited.code).toBe('rate_limited');
    expect(limited.extras.retryAfter).toBe(42);
  });

  it('maps a response without a problem body by its status, and a bad 2xx body to invalid_response', async () => {
    answer(new Response('<html>', { status: 429, headers: { 'content-type': 'text/html' } }));
    expect((await failure(knock())).code).toBe('rate_limited');
    answer(new Response('{"visit":"nope"}', { status: 201, headers: { 'content-type': 'application/json' } }));
    expect((await failure(knock())).code).toBe('invalid_response');
  });

  it('reports network_error when no response arrives', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('offline'))),
    );
    const error = await failure(knock());
    expect(error.code).toBe('network_error');
    expect(error.status).toBeNull();
  });
});

describe('sendForNothing', () => {
  it('resolves on 204 and omits the body when there is none', async () => {
    const fetchMock = answer(new Response(null, { status: 204 }));
    await expect(sendForNothing('POST', '/api/x/finish', undefined, { language: 'en' })).resolves.toBeUndefined();
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.body).toBeUndefined();
    expect(init.headers).not.toHaveProperty('Content-Type');
  });

  it('rejects with the problem code, e.g. visit_taken', async () => {
    answer(problem(409, { code: 'visit_taken' }));
    expect((await failure(sendForNothing('POST', '/api/x/admit', undefined, { language: 'de' }))).code).toBe(
      'visit_taken',
    );
  });
});
