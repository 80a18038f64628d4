import { describe, expect, it } from 'vitest';
import { returnPathOf, returnTo } from './session-ended';

describe('returnPathOf', () => {
  it('gives back the staff page that sent someone to sign in', () => {
    expect(returnPathOf(returnTo('/staff/4b1f'))).toBe('/staff/4b1f');
  });

  it('takes paths of this site only', () => {
    for (const path of ['//evil.example/x', '/\\evil.example', 'https://evil.example', 'staff', 42]) {
      expect(returnPathOf({ returnTo: path })).toBeNull();
    }
    expect(returnPathOf(null)).toBeNull();
    expect(returnPathOf({ sessionEnded: true })).toBeNull();
  });
});
