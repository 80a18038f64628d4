import { playTone } from '../../lib/chime';

/**
 * The tone that tells an invitee in the lobby they were let in: InvitePage.tsx loads this module
 * when the lobby shows, not with the page. Imported lazily by itself rather than `lib/chime.ts`
 * lazily, so the chime's chunk, which the waiting room and console load with them, carries no
 * module object for a lazy import (issue 14, the citizen pages' budgets).
 */
export function playLetIn(): boolean {
  return playTone('admitted');
}
