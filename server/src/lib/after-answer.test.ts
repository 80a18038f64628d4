import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../test/server.js';
import { AfterAnswer } from './after-answer.js';
import { DiskWatch } from './disk-watch.js';

/** A server whose one route answers at once and leaves `work` to after its answer. */
async function serverWith(afterAnswer: AfterAnswer, work: () => Promise<void>) {
  const server = http.createServer((_req, res) => {
    afterAnswer.run(res, 'test work', work);
    res.end('answered');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('work after the answer', () => {
  it('starts once the answer is out, and is waited for by settled()', async () => {
    const { logger } = captureLogger();
    const afterAnswer = new AfterAnswer(logger, new DiskWatch(logger));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const steps: string[] = [];
    const server = await serverWith(afterAnswer, async () => {
      steps.push('started');
      await gate;
      steps.push('done');
    });
    try {
      // Answered while the work cannot finish: the answer does not wait for it.
      expect(await (await fetch(server.url)).text()).toBe('answered');
      let settled = false;
      const waiting = afterAnswer.settled().then(() => (settled = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      release();
      await waiting;
      expect(steps).toEqual(['started', 'done']);
    } finally {
      await server.close();
    }
  });

  it('logs a failure without the statement’s parameters (an e-mail address) and goes on', async () => {
    const { logger, text } = captureLogger();
    const afterAnswer = new AfterAnswer(logger, new DiskWatch(logger));
    // As a failed statement reaches the code: drizzle's error names its parameters.
    const server = await serverWith(afterAnswer, () =>
      Promise.reject(
        new DrizzleQueryError('insert into "staff_tokens" … values ($1)', ['erika@example.org'], new Error('timeout')),
      ),
    );
    try {
      expect(await (await fetch(server.url)).text()).toBe('answered');
      await afterAnswer.settled();
      const line = JSON.parse(text().trim().split('\n').at(-1)!) as { msg: string; work: string; err: object };
      expect(line).toMatchObject({ msg: 'work after the answer failed', work: 'test work' });
      expect(JSON.stringify(line.err)).toContain('staff_tokens');
      expect(text()).not.toContain('erika@example.org');
      // The server goes on answering.
      expect(await (await fetch(server.url)).text()).toBe('answered');
      await afterAnswer.settled();
    } finally {
      await server.close();
    }
  });
});
