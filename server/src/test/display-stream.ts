import type { DisplayCalls } from '@amtsraum/shared';
import { expect } from 'vitest';
import type { Db } from '../db/client.js';
import { createDevice } from '../features/devices/devices.repo.js';
import { TestClient } from './client.js';
import { makeDepartment, makeStaff, makeTenant } from './factories.js';

/**
 * A call display of a new department, paired from `address`. The device is made as an admin's
 * devices page makes it (the admin routes are tested in devices.test.ts).
 */
export async function pairedDisplay(
  server: { url: string; database: { db: Db } },
  options: { address: string; now?: Date; timeZone?: string },
) {
  const db = server.database.db;
  const tenant = await makeTenant(db, options.timeZone ? { timeZone: options.timeZone } : {});
  const department = await makeDepartment(db, tenant.id);
  const admin = await makeStaff(db, tenant.id, { memberships: [{ departmentId: department.id, role: 'admin' }] });
  const made = await createDevice(db, {
    tenantId: tenant.id,
    departmentId: department.id,
    kind: 'display',
    label: 'Wartebereich',
    createdBy: admin.id,
    now: options.now ?? new Date(),
  });
  const display = new TestClient(server.url, { 'x-forwarded-for': options.address });
  expect((await display.post('/api/devices/pair', { code: made.pairingCode })).status).toBe(200);
  return { tenant, department, display };
}

/** The call display's Server-Sent Events stream, as the device at `address` asks for it. */
export function displayStreamRequest(display: TestClient, address: string, signal: AbortSignal) {
  return fetch(`${display.baseUrl}/api/devices/display/calls/stream`, {
    headers: { cookie: display.cookieHeader(), 'x-forwarded-for': address },
    signal,
  });
}

/**
 * A display's stream as a test reads it: its events by name as they come, waits for one that
 * matches, and whether the server ended it. Read for as long as it is open.
 */
export async function openDisplayStream(display: TestClient, address: string) {
  const abort = new AbortController();
  const response = await displayStreamRequest(display, address, abort.signal);
  const events: { event: string; data: unknown }[] = [];
  let ended = false;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const now = waiters;
    waiters = [];
    for (const waiter of now) waiter();
  };
  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let split;
          while ((split = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, split);
            buffer = buffer.slice(split + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data !== undefined) events.push({ event, data: JSON.parse(data) });
          }
          wake();
        }
      } catch {
        // aborted by the test
      }
      ended = true;
      wake();
    })();
  } else {
    ended = true;
  }
  /** Waits until `check` holds; throws if the stream ends first. */
  const until = async (check: () => boolean) => {
    while (!check()) {
      if (ended) throw new Error(`stream ended; events: ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  /** The lists of calls it was sent, oldest first. */
  const lists = () => events.filter((e) => e.event === 'calls').map((e) => e.data as DisplayCalls);
  return {
    status: response.status,
    headers: response.headers,
    events,
    lists,
    lastCalls: () => lists().at(-1),
    /** Waits for a list of calls that matches. */
    untilList: (check: (list: DisplayCalls) => boolean) => until(() => lists().some(check)),
    until,
    isEnded: () => ended,
    /** Resolves once the stream has ended (by the server, or `close`). */
    ended: () => until(() => false).catch(() => undefined),
    close: () => abort.abort(),
  };
}

export type DisplayStream = Awaited<ReturnType<typeof openDisplayStream>>;
