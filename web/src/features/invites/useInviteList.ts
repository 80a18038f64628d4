import type { InviteView } from '@amtsraum/shared';
import { useCallback, useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../../lib/api';
import { listInvites, type InviteTarget } from './api';

/** How often the clerk's views look for invitees waiting to be let in. */
const REFRESH_MS = 4_000;

/**
 * The invites of one visit or appointment, kept fresh while mounted (invitees in a lobby have
 * no live connection of their own, so the clerk's side asks).
 */
export function useInviteList(departmentId: string, target: InviteTarget) {
  const targetKey = 'visitId' in target ? `v:${target.visitId}` : `a:${target.appointmentId}`;
  const [invites, setInvites] = useState<InviteView[]>([]);
  const [error, setError] = useState<ApiError | null>(null);

  const refresh = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const list = await listInvites(departmentId, target, signal);
        setInvites(list.invites);
        setError(null);
      } catch (caught) {
        if (!signal?.aborted) setError(toApiError(caught));
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- targetKey stands for target
    [departmentId, targetKey],
  );
  useEffect(() => {
    const controller = new AbortController();
    const first = setTimeout(() => void refresh(controller.signal), 0);
    const timer = setInterval(() => void refresh(controller.signal), REFRESH_MS);
    return () => {
      controller.abort();
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [refresh]);

  return { invites, error, refresh };
}
