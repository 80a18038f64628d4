/** IPC between the benchmark (parent) and its two server children. */

export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  /** Connections the server itself counts (hub or bare ws). */
  connections: number;
}

export interface SeededCitizen {
  visitId: string;
  /** The `amtsraum_visit` cookie value, as the browser would hold it. */
  cookie: string;
  /** Index into the department list. */
  group: number;
}

export interface AppReady {
  type: 'ready';
  url: string;
  departmentIds: string[];
  citizens: SeededCitizen[];
  clerk: { email: string; password: string };
  seedMs: number;
}

export interface FloorReady {
  type: 'ready';
  url: string;
}

export type ChildReply =
  | AppReady
  | FloorReady
  | ({ type: 'memory' } & MemoryFigures)
  | { type: 'profiling' }
  | { type: 'error'; message: string };

export type ParentRequest =
  | { type: 'memory' }
  | { type: 'stop' }
  /** App only, with `allocationProfile`: sample allocations from now until it stops. */
  | { type: 'profile' }
  /** Floor only: a real `visit` message from the app, to send messages of the same shape and size. */
  | { type: 'template'; text: string };

export interface AppChildOptions {
  clients: number;
  departments: number;
  database: { kind: 'pglite' } | { kind: 'postgres'; url: string };
  /** Where to write the allocation profile of the changes (`--alloc-prof`), or null. */
  allocationProfile: string | null;
}

/**
 * Heap figures mean little without a collection first (children run with --expose-gc); a short
 * pause lets the allocator hand freed pages back, so RSS reflects what is live.
 */
export async function measureMemory(connections: () => number): Promise<MemoryFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 500));
  gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed, connections: connections() };
}
