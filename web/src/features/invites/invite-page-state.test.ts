import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api';
import { checkProblem, closedProblem, notStartedNote, pollDelay, redeemRefusal, startPhase } from './invite-page-state';

const refused = (code: ConstructorParameters<typeof ApiError>[0], fieldErrors?: { path: string; message: string }[]) =>
  new ApiError(code, code === 'network_error' ? null : 400, undefined, undefined, fieldErrors ? { fieldErrors } : {});

describe('an invitee whose name is refused', () => {
  it('stays on the form with a field error when the server refuses the name', () => {
    expect(redeemRefusal(refused('validation_failed', [{ path: 'name', message: 'unsichtbare Zeichen' }]))).toEqual({
      kind: 'name',
    });
  });

  it('stays on the form for failures a second try may mend', () => {
    expect(redeemRefusal(refused('validation_failed', [{ path: 'token', message: 'x' }]))).toEqual({
      kind: 'failure',
    });
    expect(redeemRefusal(refused('rate_limited'))).toEqual({ kind: 'failure' });
    expect(redeemRefusal(refused('network_error'))).toEqual({ kind: 'failure' });
  });

  it('leaves the form only for a problem with the link', () => {
    expect(redeemRefusal(refused('invite_expired'))).toEqual({ kind: 'problem', code: 'invite_expired' });
    expect(redeemRefusal(refused('invite_used_up'))).toEqual({ kind: 'problem', code: 'invite_used_up' });
  });
});

describe('trying an invite link again', () => {
  it('checks the same token again, though it is gone from the address bar', () => {
    expect(startPhase('abc123')).toEqual({ status: 'checking', token: 'abc123' });
  });

  it('asks for a held seat when the link brought no token', () => {
    expect(startPhase(null)).toEqual({ status: 'loading' });
  });
});

describe('checking the link when the page opens', () => {
  it('calls a token the server cannot read "not valid", as an unknown one, not an error to try again', () => {
    expect(checkProblem(refused('validation_failed', [{ path: 'token', message: 'x' }]))).toBe('invite_invalid');
    expect(checkProblem(refused('invite_invalid'))).toBe('invite_invalid');
    expect(checkProblem(refused('invite_revoked'))).toBe('invite_revoked');
  });

  it('leaves a failure a second try may mend to the error page with its retry', () => {
    expect(checkProblem(refused('network_error'))).toBeNull();
    expect(checkProblem(refused('rate_limited'))).toBeNull();
  });
});

describe('an invite page left open whose seat ends', () => {
  it('shows the page of a link refused for the same reason, for each state that ends the seat', () => {
    expect(closedProblem('ended')).toBe('invite_call_ended');
    expect(closedProblem('removed')).toBe('invite_removed');
    expect(closedProblem('revoked')).toBe('invite_revoked');
    expect(closedProblem('expired')).toBe('invite_expired');
  });

  it('stays on the invitee’s page while the seat is good', () => {
    for (const state of ['ready', 'waiting', 'not_started'] as const) expect(closedProblem(state)).toBeNull();
  });
});

describe('how often an invitee’s page asks how the call stands', () => {
  const now = new Date('2026-12-05T09:00:00Z');

  it('asks every few seconds while the call may start any moment, as in a lobby', () => {
    // A visit's link while the citizen waits in the queue: it asked every 30 s, and the interpreter
    // read "Das Gespräch hat noch nicht begonnen" for up to half a minute after the call began.
    expect(pollDelay({ state: 'not_started', opensAt: null }, now)).toBe(
      pollDelay({ state: 'waiting', opensAt: null }, now),
    );
    expect(pollDelay({ state: 'not_started', opensAt: null }, now)).toBeLessThanOrEqual(5_000);
    // An appointment due in ten minutes, or already due.
    expect(pollDelay({ state: 'not_started', opensAt: '2026-12-05T09:10:00Z' }, now)).toBeLessThanOrEqual(5_000);
    expect(pollDelay({ state: 'not_started', opensAt: '2026-12-05T08:55:00Z' }, now)).toBeLessThanOrEqual(5_000);
  });

  it('asks seldom for an appointment still hours away', () => {
    expect(pollDelay({ state: 'not_started', opensAt: '2026-12-05T13:00:00Z' }, now)).toBeGreaterThanOrEqual(30_000);
  });
});

describe('what an invitee’s page says of a call not started yet', () => {
  const now = new Date('2026-12-05T09:00:00Z');

  it('gives the start of an appointment still ahead', () => {
    expect(notStartedNote('2026-12-05T09:10:00Z', now)).toBe('ahead');
  });

  it('says the call begins any moment once the appointment’s start has passed', () => {
    // It said "beginnt am … um 08:55 Uhr. Öffnen Sie diesen Link kurz vorher noch einmal" at 09:00.
    expect(notStartedNote('2026-12-05T08:55:00Z', now)).toBe('due');
    expect(notStartedNote('2026-12-05T09:00:00Z', now)).toBe('due');
  });

  it('says a visit’s call starts when the clerk opens it', () => {
    expect(notStartedNote(null, now)).toBe('unscheduled');
  });
});
