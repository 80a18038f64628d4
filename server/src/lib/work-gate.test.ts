import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from './errors.js';
import { WorkGate } from './work-gate.js';

/** Work that runs until the test lets it finish; records when it started. */
function held(log: string[], name: string) {
  let finish!: (value: string) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    work: () => {
      log.push(name);
      return done;
    },
    finish: () => finish(name),
    fail: (error: Error) => fail(error),
  };
}

const limits = { running: 2, waiting: 10, waitingPerKey: 10, maxWaitMs: 10_000, retryAfterSeconds: 5 };
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('WorkGate', () => {
  it('runs at most `running` at a time and the next in line as soon as one finishes', async () => {
    const gate = new WorkGate(['booking', 'search'], limits);
    const log: string[] = [];
    const [a, b, c] = [held(log, 'a'), held(log, 'b'), held(log, 'c')];
    const results = [
      gate.run('search', 'k1', a.work),
      gate.run('search', 'k2', b.work),
      gate.run('search', 'k3', c.work),
    ];
    await settle();
    expect(log).toEqual(['a', 'b']);
    expect([gate.active, gate.waiting]).toEqual([2, 1]);
    b.finish();
    await settle();
    expect(log).toEqual(['a', 'b', 'c']);
    a.finish();
    c.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });

  it('gives a free place to the first lane first, and first come first served within a lane', async () => {
    const gate = new WorkGate(['booking', 'search'], { ...limits, running: 1 });
    const log: string[] = [];
    const first = held(log, 'first');
    const rest = ['search 1', 'booking 1', 'search 2', 'booking 2'].map((name) => held(log, name));
    const all = [
      gate.run('search', 'k', first.work),
      ...rest.map((work, i) => gate.run(i % 2 === 0 ? 'search' : 'booking', `k${i}`, work.work)),
    ];
    for (const work of [first, ...rest]) {
      await settle();
      work.finish();
    }
    await Promise.all(all);
    expect(log).toEqual(['first', 'booking 1', 'booking 2', 'search 1', 'search 2']);
  });

  it('frees the place of work that fails', async () => {
    const gate = new WorkGate(['booking'], { ...limits, running: 1 });
    const log: string[] = [];
    const [a, b] = [held(log, 'a'), held(log, 'b')];
    const failed = gate.run('booking', 'k', a.work);
    const next = gate.run('booking', 'k', b.work);
    a.fail(new Error('refused'));
    await expect(failed).rejects.toThrow('refused');
    await settle();
    expect(log).toEqual(['a', 'b']);
    b.finish();
    expect(await next).toBe('b');
    expect(gate.active).toBe(0);
  });

  it('refuses with 503 office_busy once the line is full, and runs nothing for it', async () => {
    const gate = new WorkGate(['search'], { ...limits, running: 1, waiting: 1 });
    const log: string[] = [];
    const [a, b, c] = [held(log, 'a'), held(log, 'b'), held(log, 'c')];
    const running = gate.run('search', 'k1', a.work);
    const waiting = gate.run('search', 'k2', b.work);
    const error = await refusal(gate.run('search', 'k3', c.work));
    expect(error.code).toBe('office_busy');
    expect(error.status).toBe(503);
    expect(error.headers['Retry-After']).toBe('5');
    a.finish();
    await settle();
    b.finish();
    await Promise.all([running, waiting]);
    expect(log).toEqual(['a', 'b']);
  });

  it('refuses with 429 a requester holding too many places in the line, not others', async () => {
    const gate = new WorkGate(['search'], { ...limits, running: 1, waitingPerKey: 2 });
    const log: string[] = [];
    const works = ['a', 'b', 'c', 'd', 'e'].map((name) => held(log, name));
    const running = gate.run('search', 'script', works[0]!.work);
    // The running one holds no place in the line: two more may wait.
    const waiting = [gate.run('search', 'script', works[1]!.work), gate.run('search', 'script', works[2]!.work)];
    const error = await refusal(gate.run('search', 'script', works[3]!.work));
    expect(error.code).toBe('rate_limited');
    expect(error.status).toBe(429);
    const someoneElse = gate.run('search', 'citizen', works[4]!.work);
    for (const i of [0, 1, 2, 4]) {
      await settle();
      works[i]!.finish();
    }
    await Promise.all([running, ...waiting, someoneElse]);
    expect(log).toEqual(['a', 'b', 'c', 'e']);
    // Its places are given back as its turns come.
    const again = held(log, 'again');
    const later = gate.run('search', 'script', again.work);
    again.finish();
    expect(await later).toBe('again');
  });

  it('refuses with 503 what waited longer than maxWaitMs, and keeps the line going', async () => {
    vi.useFakeTimers();
    const gate = new WorkGate(['search'], { ...limits, running: 1, maxWaitMs: 1_000 });
    const log: string[] = [];
    const [a, b, c] = [held(log, 'a'), held(log, 'b'), held(log, 'c')];
    const running = gate.run('search', 'k1', a.work);
    const tooLong = refusal(gate.run('search', 'k2', b.work));
    await vi.advanceTimersByTimeAsync(1_001);
    expect((await tooLong).code).toBe('office_busy');
    expect(gate.waiting).toBe(0);
    const next = gate.run('search', 'k3', c.work);
    a.finish();
    await running;
    await vi.advanceTimersByTimeAsync(0);
    c.finish();
    expect(await next).toBe('c');
    // The refused one never ran, and its place in the line was not given to it later.
    expect(log).toEqual(['a', 'c']);
  });

  it('counts the time a request waited before it came against maxWaitMs', async () => {
    vi.useFakeTimers();
    const gate = new WorkGate(['booking'], { ...limits, running: 1, maxWaitMs: 1_000 });
    const log: string[] = [];
    const [a, b, c, d] = [held(log, 'a'), held(log, 'b'), held(log, 'c'), held(log, 'd')];
    const running = gate.run('booking', 'k1', a.work);
    // Waited 700 ms elsewhere: 300 ms are left of its wait here.
    const late = refusal(gate.run('booking', 'k2', b.work, undefined, 700));
    // Waited all of it elsewhere: refused at once while the place is taken.
    expect((await refusal(gate.run('booking', 'k3', c.work, undefined, 1_000))).code).toBe('office_busy');
    await vi.advanceTimersByTimeAsync(301);
    expect((await late).code).toBe('office_busy');
    a.finish();
    await running;
    // With a free place it runs, however long it waited before.
    const free = gate.run('booking', 'k4', d.work, undefined, 5_000);
    d.finish();
    expect(await free).toBe('d');
    expect(log).toEqual(['a', 'd']);
  });

  it('skips work whose requester has gone when its turn comes', async () => {
    const gate = new WorkGate(['booking'], { ...limits, running: 1 });
    const log: string[] = [];
    const [a, b, c] = [held(log, 'a'), held(log, 'b'), held(log, 'c')];
    let bGone = false;
    const running = gate.run('booking', 'k1', a.work);
    const skipped = gate.run('booking', 'k2', b.work, () => bGone);
    const next = gate.run('booking', 'k3', c.work);
    bGone = true;
    a.finish();
    expect(await skipped).toBeUndefined();
    await settle();
    c.finish();
    await Promise.all([running, next]);
    expect(log).toEqual(['a', 'c']);
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });
});
