import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin, Rolldown } from 'vite';

type OutputBundle = Rolldown.OutputBundle;
type OutputChunk = Rolldown.OutputChunk;

/**
 * Prints how much JavaScript each page loads before it is interactive, and fails the build when
 * a page with a budget goes over it (issue 14: the door page; since then every page a citizen,
 * interpreter or guest opens). A page's JavaScript is the entry chunk and the chunks of the
 * modules it lazily loads first (its page component, its translations), each with every chunk
 * those import statically. Sizes are gzip level 9, as `precompress` writes them and the server
 * sends them; kB are 1,000 bytes.
 */
export interface RouteBudgetOptions {
  /** Per page: source modules (relative to web/) loaded before it is interactive, besides the entry. */
  routes: Record<string, string[]>;
  /** The pages held to a limit, each with its limit in kB (gzip). */
  budgets: Record<string, number>;
  /** The chunk of the libraries every page needs (a `codeSplitting` group): the floor, printed. */
  floorChunk: string;
  /**
   * Source modules every page fetches at start beside the first download but waits for only to
   * show an error (German `errors`): printed with their size, not in the pages' figures.
   */
  atStart?: string[];
}

export function routeBudget(options: RouteBudgetOptions): Plugin {
  let root = '';
  return {
    name: 'amtsraum-route-budget',
    apply: 'build',
    configResolved(config) {
      root = config.root;
    },
    // After the files are written: Vite fills in each lazy import's preload list (`__vite__mapDeps`)
    // only once the chunks are generated, and those lists are part of what a page downloads.
    writeBundle(_output, bundle) {
      const report = measureRoutes(bundle, root, options.routes);
      for (const name of Object.keys(options.budgets)) {
        if (!report.some((route) => route.name === name)) this.error(`route budget: no route named ${name}`);
      }
      const floor = Object.values(bundle).find(
        (item): item is OutputChunk => item.type === 'chunk' && item.name === options.floorChunk,
      );
      if (!floor) this.error(`route budget: no chunk named ${options.floorChunk}`);
      const floorGzip = gzipSync(floor.code, { level: 9 }).length;
      const atStart = options.atStart ?? [];
      const startSizes = atStart.map((module) => {
        const chunk = chunkOfModule(bundle, root, module);
        if (!chunk) this.error(`route budget: ${module} (at start) is in no chunk`);
        return `${path.basename(module)} ${kb(gzipSync(chunk.code, { level: 9 }).length)} kB`;
      });
      // The same pages with what every page also fetches at start (each chunk counted once).
      const withStart =
        atStart.length > 0
          ? measureRoutes(
              bundle,
              root,
              Object.fromEntries(
                Object.entries(options.routes).map(([name, modules]) => [name, [...modules, ...atStart]]),
              ),
            )
          : undefined;
      this.info(
        `JavaScript per page before it is interactive (gzip -9):\n${budgetTable(report, options.budgets, withStart)}\n` +
          `  floor: the libraries alone (${options.floorChunk} chunk) ${kb(floorGzip)} kB` +
          (startSizes.length > 0
            ? `\n  also fetched at start by every page, not waited for (in "with start" only): ${startSizes.join(', ')}`
            : ''),
      );
      const over = overBudget(report, options.budgets);
      if (over.length > 0) {
        this.error(
          over
            .map(
              (route) =>
                `The ${route.name} page loads ${kb(route.gzip)} kB of JavaScript (gzip), over its budget of ` +
                `${String(route.limitKb)} kB.`,
            )
            .join('\n') +
            '\nLoad the new code lazily (lib/lazy-component.ts) or make room elsewhere (issue 14, web/vite.config.ts).',
        );
      }
    },
  };
}

const kb = (bytes: number) => (bytes / 1000).toFixed(3);

/**
 * One line per page: its size, raw size and chunks, its budget where it has one, and, given
 * `withStart`, its size with what every page also fetches at start.
 */
export function budgetTable(report: RouteSize[], budgets: Record<string, number>, withStart?: RouteSize[]): string {
  return report
    .map((route) => {
      const limit = budgets[route.name];
      const started = withStart?.find((other) => other.name === route.name);
      const line =
        `  ${route.name.padEnd(15)} ${kb(route.gzip).padStart(6)} kB gzip ` +
        `${kb(route.raw).padStart(8)} kB  ${String(route.chunks.length).padStart(3)} chunks` +
        (started ? `  with start ${kb(started.gzip).padStart(6)} kB` : '');
      if (limit === undefined) return line;
      return `${line}  budget ${limit.toFixed(1).padStart(5)} kB${route.gzip > limit * 1000 ? '  OVER' : ''}`;
    })
    .join('\n');
}

/** The pages over their budgets (kB are 1,000 bytes gzip), in the report's order. */
export function overBudget(report: RouteSize[], budgets: Record<string, number>): (RouteSize & { limitKb: number })[] {
  return report.flatMap((route) => {
    const limitKb = budgets[route.name];
    return limitKb !== undefined && route.gzip > limitKb * 1000 ? [{ ...route, limitKb }] : [];
  });
}

export interface RouteSize {
  name: string;
  gzip: number;
  raw: number;
  chunks: string[];
}

/** The chunk that holds a source module (relative to the root), if any. */
function chunkOfModule(bundle: OutputBundle, root: string, module: string): OutputChunk | undefined {
  const wanted = path.resolve(root, module);
  return Object.values(bundle).find(
    (item): item is OutputChunk => item.type === 'chunk' && item.moduleIds.some((id) => path.normalize(id) === wanted),
  );
}

/** The chunks each route loads first, and their sizes. */
export function measureRoutes(bundle: OutputBundle, root: string, routes: Record<string, string[]>): RouteSize[] {
  const chunks = Object.values(bundle).filter((item): item is OutputChunk => item.type === 'chunk');
  const entry = chunks.find((chunk) => chunk.isEntry);
  if (!entry) throw new Error('route budget: the bundle has no entry chunk');
  const chunkOf = new Map<string, OutputChunk>();
  for (const chunk of chunks) for (const id of chunk.moduleIds) chunkOf.set(path.normalize(id), chunk);
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const gzipOf = new Map<string, number>();
  const gzipSize = (chunk: OutputChunk) => {
    let size = gzipOf.get(chunk.fileName);
    if (size === undefined) gzipOf.set(chunk.fileName, (size = gzipSync(chunk.code, { level: 9 }).length));
    return size;
  };

  return Object.entries(routes).map(([name, modules]) => {
    const loaded = new Set<OutputChunk>();
    const add = (chunk: OutputChunk) => {
      if (loaded.has(chunk)) return;
      loaded.add(chunk);
      for (const file of chunk.imports) {
        const imported = byFile.get(file);
        if (imported) add(imported);
      }
    };
    add(entry);
    for (const module of modules) {
      const chunk = chunkOf.get(path.resolve(root, module));
      if (!chunk) continue;
      add(chunk);
    }
    const list = [...loaded];
    return {
      name,
      gzip: list.reduce((sum, chunk) => sum + gzipSize(chunk), 0),
      raw: list.reduce((sum, chunk) => sum + Buffer.byteLength(chunk.code), 0),
      chunks: list.map((chunk) => chunk.fileName),
    };
  });
}
