import type { CitizenVisit, ConsoleSnapshot, DoorLive, ServerMessage } from '@amtsraum/shared';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { getLiveClient, type ConnectionState } from './live-client';

// Thin hooks over the shared live client: each subscribes in an effect and removes every
// listener and registration it added when it unmounts or its arguments change.

const subscribeState = (onChange: () => void) => getLiveClient().onState(onChange);
const readState = (): ConnectionState => getLiveClient().state;

/** The live connection's state, for the "reconnecting…" notice. */
export function useLiveConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribeState, readState);
}

/** A department's door as the last message told it, with the revision of the page's details then. */
export interface LiveDoor {
  door: DoorLive;
  revision: string | undefined;
}

/** The live door of a department; null until the first message. */
export function useLiveDoor(tenant: string, department: string): LiveDoor | null {
  const key = `${tenant}/${department}`;
  const [door, setDoor] = useState<{ key: string; live: LiveDoor } | null>(null);
  useEffect(() => {
    const client = getLiveClient();
    const off = client.on((message) => {
      if (message.type === 'door' && message.tenant === tenant && message.department === department) {
        setDoor({ key: `${tenant}/${department}`, live: { door: message.door, revision: message.revision } });
      }
    });
    const unwatch = client.subscribe({ type: 'watch-door', tenant, department });
    return () => {
      off();
      unwatch();
    };
  }, [tenant, department]);
  return door?.key === key ? door.live : null;
}

export type LiveVisit = { status: 'unknown' } | { status: 'known'; visit: CitizenVisit | null };

/**
 * This browser's own visit, live. `generation` forces a fresh subscription, e.g. after a knock
 * set a new visit cookie (the caller reconnects the client first).
 */
export function useLiveVisit(enabled = true): LiveVisit {
  const [visit, setVisit] = useState<LiveVisit>({ status: 'unknown' });
  useEffect(() => {
    if (!enabled) return;
    const client = getLiveClient();
    const off = client.on((message) => {
      if (message.type === 'visit') setVisit({ status: 'known', visit: message.visit });
    });
    const unwatch = client.subscribe({ type: 'watch-visit' });
    return () => {
      off();
      unwatch();
    };
  }, [enabled]);
  return visit;
}

export type LiveConsole =
  | { status: 'loading' }
  | { status: 'ready'; snapshot: ConsoleSnapshot }
  | { status: 'error'; code: Extract<ServerMessage, { type: 'error' }>['code'] }
  /** Taken out of the department, or the department archived, while the console was open: no more of it is sent. */
  | { status: 'removed'; archived: boolean };

/** A clerk's console for one department, live. */
export function useLiveConsole(departmentId: string): LiveConsole {
  const [state, setState] = useState<{ id: string; value: LiveConsole } | null>(null);
  useEffect(() => {
    const client = getLiveClient();
    const off = client.on((message) => {
      if (message.type === 'console' && message.snapshot.department.id === departmentId) {
        setState({ id: departmentId, value: { status: 'ready', snapshot: message.snapshot } });
      } else if (message.type === 'console-closed' && message.departmentId === departmentId) {
        setState({ id: departmentId, value: { status: 'removed', archived: message.reason === 'archived' } });
      } else if (message.type === 'error' && (message.code === 'unauthorized' || message.code === 'forbidden')) {
        // A reconnect's watch is refused after a removal: the page keeps saying why.
        setState((last) =>
          last?.id === departmentId && last.value.status === 'removed'
            ? last
            : { id: departmentId, value: { status: 'error', code: message.code } },
        );
      }
    });
    const unwatch = client.subscribe({ type: 'watch-console', departmentId });
    return () => {
      off();
      unwatch();
    };
  }, [departmentId]);
  return state?.id === departmentId ? state.value : { status: 'loading' };
}
