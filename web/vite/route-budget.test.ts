import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build, createLogger, type Logger } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeBudget } from './route-budget';

// The budgets in web/vite.config.ts hold only if the build really fails over one. These build a
// tiny app with Vite itself: an entry that lazily opens two pages, a small one (about 2 kB with
// the entry) and one with about 2 kB (gzip) more of text that does not compress.

let root = '';

/** Text gzip cannot shrink much: a fixed pseudo-random sequence, so every run builds the same. */
function noise(length: number): string {
  let seed = 14;
  let text = '';
  while (text.length < length) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    text += (seed % 36).toString(36);
  }
  return text;
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'route-budget-'));
  await fs.writeFile(
    path.join(root, 'index.html'),
    '<!doctype html><html><body><script type="module" src="/main.js"></script></body></html>',
  );
  await fs.writeFile(
    path.join(root, 'main.js'),
    "document.body.dataset.page = location.hash;\nvoid (location.hash === '#big' ? import('./big.js') : import('./small.js')).then((m) => m.show());\n",
  );
  await fs.writeFile(path.join(root, 'small.js'), "export function show() { document.title = 'small'; }\n");
  await fs.writeFile(
    path.join(root, 'big.js'),
    `export function show() { document.title = ${JSON.stringify(noise(5_000))}; }\n`,
  );
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** Builds the tiny app with these budgets; what the plugin printed, and the build's error if any. */
async function buildWith(budgets: Record<string, number>): Promise<{ printed: string; error: Error | null }> {
  const lines: string[] = [];
  const base = createLogger('info', { allowClearScreen: false });
  const logger: Logger = { ...base, info: (message) => lines.push(message), warn: (message) => lines.push(message) };
  let error: Error | null = null;
  try {
    await build({
      root,
      configFile: false,
      logLevel: 'info',
      customLogger: logger,
      plugins: [
        routeBudget({
          routes: { small: ['small.js'], big: ['big.js'] },
          budgets,
          floorChunk: 'index',
        }),
      ],
      build: { write: false, minify: false, reportCompressedSize: false },
    });
  } catch (caught) {
    error = caught as Error;
  }
  return { printed: lines.join('\n'), error };
}

describe('route budgets', () => {
  it('prints every page with its size and the budgets, and passes when each page is within its own', async () => {
    const { printed, error } = await buildWith({ small: 3, big: 10 });
    expect(error).toBeNull();
    expect(printed).toMatch(/ {2}small +[12]\.\d kB gzip .* budget +3\.0 kB\n/);
    expect(printed).toMatch(/ {2}big +[45]\.\d kB gzip .* budget +10\.0 kB\n/);
    expect(printed).not.toContain('OVER');
  });

  it('fails the build when one page is over its budget, naming that page and only that one', async () => {
    const { printed, error } = await buildWith({ small: 3, big: 3 });
    expect(error?.message).toMatch(/The big page loads [45]\.\d kB of JavaScript \(gzip\), over its budget of 3 kB\./);
    expect(error?.message).not.toContain('The small page');
    expect(printed).toMatch(/ {2}big .* budget +3\.0 kB {2}OVER/);
  });

  it('fails the build for a page a budget names that the table does not measure', async () => {
    const { error } = await buildWith({ small: 3, door: 120 });
    expect(error?.message).toContain('route budget: no route named door');
  });

  it('leaves a page without a budget unchecked', async () => {
    const { printed, error } = await buildWith({ small: 3 });
    expect(error).toBeNull();
    expect(printed).toMatch(/ {2}big +[45]\.\d kB gzip +[\d.]+ kB +\d+ chunks\n/);
  });
});
