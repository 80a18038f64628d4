import { AdminClosureSchema, PROBLEM_CONTENT_TYPE } from '@amtsraum/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toApiError } from './api';
import { CollisionError, sendChange } from './collisions';

// Hours, absences, closures and the holiday prefill read a 409 availability_collision here (issue
// 15, item 3): these pin how its problem becomes the list the admin chooses from.

const APPOINTMENT = '7b0c3c38-5a55-4d58-9a57-2c6cfd0b9d01';
const CLOSURE = { id: 'f4a3f0a2-1d0e-4b39-8f39-0d7f7f0b2b11', from: '2026-12-24', to: '2026-12-24', reason: null };

function respond(status: number, body: unknown) {
  const fetchMock = vi.fn(() =>
    Promise.resolve(
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': status < 400 ? 'application/json' : PROBLEM_CONTENT_TYPE },
      }),
    ),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const addClosure = (body: unknown = { from: '2026-12-24', to: '2026-12-24', reason: null }) =>
  sendChange('POST', '/api/admin/tenants/t/closures', body, AdminClosureSchema);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('sendChange', () => {
  it('answers the parsed body, sent as JSON', async () => {
    const fetchMock = respond(201, { ...CLOSURE, departmentId: null });
    await expect(addClosure({ from: '2026-12-24', resolutions: {} })).resolves.toMatchObject({ id: CLOSURE.id });
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual({ from: '2026-12-24', resolutions: {} });
  });

  it('turns a 409 availability_collision into a CollisionError with its list, still an ApiError', async () => {
    const collision = {
      appointmentId: APPOINTMENT,
      startsAt: '2026-12-24T08:00:00.000Z',
      endsAt: '2026-12-24T08:30:00.000Z',
      departmentSlug: 'buergeramt',
      services: [{ de: 'Ummeldung' }],
      clerkName: 'Clara Klein',
      citizenName: 'Erika Mustermann',
      resolvable: true,
      moveChoices: [{ startsAt: '2026-12-28T08:00:00.000Z', endsAt: '2026-12-28T08:30:00.000Z' }],
    };
    respond(409, {
      type: 'about:blank',
      title: 'x',
      status: 409,
      code: 'availability_collision',
      collisions: [collision],
    });
    const error = await failure(addClosure());
    expect(error).toBeInstanceOf(CollisionError);
    expect((error as CollisionError).collisions).toEqual([collision]);
    expect(toApiError(error)).toMatchObject({ code: 'availability_collision', status: 409 });
  });

  it('keeps any other problem an ApiError with its code and field errors', async () => {
    respond(400, {
      type: 'about:blank',
      title: 'x',
      status: 400,
      code: 'validation_failed',
      errors: [{ path: 'to', message: 'the last day must not be before the first' }],
    });
    const error = await failure(addClosure());
    expect(error).not.toBeInstanceOf(CollisionError);
    expect(toApiError(error).code).toBe('validation_failed');
    expect(toApiError(error).extras.fieldErrors).toEqual([
      { path: 'to', message: 'the last day must not be before the first' },
    ]);
  });

  it('reads every other failure as the rest of the app does: a refusal keeps its reason, a limit its wait', async () => {
    respond(403, {
      type: 'about:blank',
      title: 'x',
      status: 403,
      code: 'forbidden',
      reason: 'lock_out',
    });
    expect(toApiError(await failure(addClosure())).extras.reason).toBe('lock_out');
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response('busy', { status: 429, headers: { 'retry-after': '30' } }))),
    );
    expect(toApiError(await failure(addClosure()))).toMatchObject({ code: 'rate_limited', status: 429 });
  });
});
