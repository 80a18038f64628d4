import { describe, expect, it } from 'vitest';
import { ApiError } from '../lib/api';
import { isLostRight, refusalOf } from './LostRight';

// Issue 15: which refused action on a staff page is a session that ended (to the sign-in page),
// which a right taken while the page was open (said plainly), and which anything else.

describe('refusalOf', () => {
  it('takes a 401 for a session that ended meanwhile', () => {
    expect(refusalOf(new ApiError('unauthorized', 401))).toBe('sessionEnded');
  });

  it('takes a bare 403 for a right lost meanwhile', () => {
    const error = new ApiError('forbidden', 403);
    expect(isLostRight(error)).toBe(true);
    expect(refusalOf(error)).toBe('lostRight');
  });

  it('leaves a 403 with a reason of its own to the page', () => {
    const error = new ApiError('forbidden', 403, undefined, undefined, { reason: 'lock_out' });
    expect(isLostRight(error)).toBe(false);
    expect(refusalOf(error)).toBeNull();
  });

  it('leaves every other failure to the page', () => {
    for (const code of ['second_factor_required', 'validation_failed', 'conflict', 'network_error'] as const) {
      expect(refusalOf(new ApiError(code, code === 'network_error' ? null : 400))).toBeNull();
    }
  });
});
