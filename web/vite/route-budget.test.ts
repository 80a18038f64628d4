import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, createLogger, type Logger } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_BUDGETS, PAGE_ROUTES } from '../vite.config';
import { routeBudget } from './route-budget';

// The budgets in web/vite.config.ts hold only if the build really fails over one. These build a
// tiny app with Vite itself: an entry that lazily opens two pages, a small one (about 2 kB with
// the entry) and one with about 2 kB (gzip) more of text that does not compress. Both import a
// module of their own kind, so that the entry holds the list of what each page's import fetches
// beside it (Vite's `__vite__mapDeps`), which Vite writes into it only after the chunks are made.

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
    "document.body.dataset.page = location.hash;\nvoid (location.hash === '#big' ? import('./big.js') : import('./small.js')).then((m) => m.show());\n" +
      // Every page fetches it at start, as the app its German `errors`, and waits for it only when needed.
      "void import('./at-start.js').then((m) => m.keep());\n",
  );
  await fs.writeFile(
    path.join(root, 'at-start.js'),
    `export function keep() { document.body.dataset.words = ${JSON.stringify(noise(3_000))}; }\n`,
  );
  await fs.writeFile(path.join(root, 'shared.js'), `export const mark = ${JSON.stringify(noise(200))};\n`);
  await fs.writeFile(
    path.join(root, 'small.js'),
    "import { mark } from './shared.js';\nexport function show() { document.title = 'small' + mark; }\n",
  );
  await fs.writeFile(
    path.join(root, 'big.js'),
    `import { mark } from './shared.js';\nexport function show() { document.title = ${JSON.stringify(noise(5_000))} + mark; }\n`,
  );
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** Builds the tiny app with these budgets; what the plugin printed, and the build's error if any. */
async function buildWith(
  budgets: Record<string, number>,
  atStart?: string[],
): Promise<{ printed: string; error: Error | null }> {
  const lines: string[] = [];
  const base = createLogger('info', { allowClearScreen: false });
  const logger: Logger = {
    ...base,
    info: (message) => void lines.push(message),
    warn: (message) => void lines.push(message),
  };
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
          ...(atStart ? { atStart } : {}),
        }),
      ],
      // Written: the figures are those of the files as written, preload lists and all.
      build: { outDir: 'dist', emptyOutDir: true, manifest: true, minify: false, reportCompressedSize: false },
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
    expect(printed).toMatch(/ {2}small +[12]\.\d{3} kB gzip .* budget +3\.0 kB\n/);
    expect(printed).toMatch(/ {2}big +[45]\.\d{3} kB gzip .* budget +10\.0 kB\n/);
    expect(printed).not.toContain('OVER');
  });

  it('fails the build when one page is over its budget, naming that page and only that one', async () => {
    const { printed, error } = await buildWith({ small: 3, big: 3 });
    expect(error?.message).toMatch(
      /The big page loads [45]\.\d{3} kB of JavaScript \(gzip\), over its budget of 3 kB\./,
    );
    expect(error?.message).not.toContain('The small page');
    expect(printed).toMatch(/ {2}big .* budget +3\.0 kB {2}OVER/);
  });

  it('fails the build for a page a budget names that the table does not measure', async () => {
    const { error } = await buildWith({ small: 3, door: 120 });
    expect(error?.message).toContain('route budget: no route named door');
  });

  it('prints what every page fetches at start but does not wait for apart, outside the pages’ figures', async () => {
    const { printed, error } = await buildWith({ small: 3, big: 10 }, ['at-start.js']);
    expect(error).toBeNull();
    expect(printed).toMatch(/also fetched at start by every page.*: at-start\.js [12]\.\d{3} kB/);
    // The budget holds the page's own figure; the column beside it adds the start's fetch.
    expect(printed).toMatch(/ {2}small +[12]\.\d{3} kB gzip .* with start +[345]\.\d{3} kB {2}budget +3\.0 kB\n/);
  });

  it('measures the files as written, with the preload lists Vite writes into the entry', async () => {
    const { printed, error } = await buildWith({ small: 3, big: 10 });
    expect(error).toBeNull();
    const dist = path.join(root, 'dist');
    const manifest = JSON.parse(await fs.readFile(path.join(dist, '.vite/manifest.json'), 'utf8')) as Record<
      string,
      { file: string; imports?: string[] }
    >;
    const entry = await fs.readFile(path.join(dist, manifest['index.html']!.file), 'utf8');
    expect(entry).toContain('__vite__mapDeps');
    // The small page: the entry, its own chunk and the chunk both pages share, gzip -9 as written.
    const files = [
      manifest['index.html']!,
      manifest['small.js']!,
      ...manifest['small.js']!.imports!.map((key) => manifest[key]!),
    ];
    let gzip = 0;
    for (const { file } of new Set(files))
      gzip += gzipSync(await fs.readFile(path.join(dist, file)), { level: 9 }).length;
    expect(printed).toContain(`  small ${(gzip / 1000).toFixed(3).padStart(16 - 'small '.length + 6)} kB gzip`);
  });

  it('leaves a page without a budget unchecked', async () => {
    const { printed, error } = await buildWith({ small: 3 });
    expect(error).toBeNull();
    expect(printed).toMatch(/ {2}big +[45]\.\d{3} kB gzip +[\d.]+ kB +\d+ chunks\n/);
  });
});

describe('the pages measured in web/vite.config.ts', () => {
  const web = path.resolve(import.meta.dirname, '..');
  /** German's namespaces in the first download (`resources` in src/lib/i18n.ts): in the entry already. */
  const IN_FIRST_DOWNLOAD = ['common', 'directory'];

  /** The namespaces the page's lazy component waits for: `lazyComponent(() => import('./Page')…, [ … ])` in its feature's index.ts. */
  async function awaitedNamespaces(pageModule: string): Promise<string[] | null> {
    const page = path.basename(pageModule).replace(/\.tsx?$/, '');
    const index = await fs.readFile(path.join(web, path.dirname(pageModule), 'index.ts'), 'utf8');
    const declaration = new RegExp(
      `lazyComponent\\(\\s*\\(\\) => import\\('\\./${page}'\\)\\.then\\(\\(m\\) => m\\.${page}\\),\\s*\\[([^\\]]*)\\]`,
    ).exec(index);
    if (!declaration) return null;
    return [...declaration[1]!.matchAll(/'([^']+)'/g)].map((match) => match[1]!);
  }

  it('count every translation namespace a page waits for before it shows, not only its own', async () => {
    const missing: string[] = [];
    for (const [name, modules] of Object.entries(PAGE_ROUTES)) {
      const namespaces = await awaitedNamespaces(modules[0]!);
      // Every budgeted page is one feature's lazy page; the staff area's pages are checked where they are.
      if (name in PAGE_BUDGETS) expect(namespaces, `${name}: no lazyComponent for ${modules[0]!}`).not.toBeNull();
      for (const namespace of namespaces ?? []) {
        if (IN_FIRST_DOWNLOAD.includes(namespace)) continue;
        if (!modules.includes(`src/locales/de/${namespace}.json`)) missing.push(`${name}: ${namespace}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('read the namespaces the pages wait for, as the check above needs', async () => {
    // The waiting room waits for `moreErrors` beside its own `waiting` (features/visits/index.ts).
    expect(await awaitedNamespaces('src/features/visits/WaitingRoomPage.tsx')).toEqual(['waiting', 'moreErrors']);
    expect(await awaitedNamespaces('src/features/visits/KnockSection.tsx')).toEqual(['visits']);
  });
});
