import { describe, expect, it } from 'vitest';
import { inOrder } from './pipeline.js';

const after = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms));

describe('inOrder', () => {
  it('gives the results in the order given, whichever came first', async () => {
    expect(await inOrder<[string, number, boolean]>([after(30, 'a'), after(1, 2), after(10, true)])).toEqual([
      'a',
      2,
      true,
    ]);
  });

  it('fails with the first failure in the order given, not the first in time, and waits for every step', async () => {
    let lastDone = false;
    const last = after(40, 'late').then((value) => {
      lastDone = true;
      return value;
    });
    await expect(inOrder([after(1, 'ok'), after(20, 'first', true), after(5, 'second', true), last])).rejects.toThrow(
      'first',
    );
    expect(lastDone).toBe(true);
  });
});
