import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin, Rolldown } from 'vite';

type OutputBundle = Rolldown.OutputBundle;
type OutputChunk = Rolldown.OutputChunk;

/**
 * Prints how much JavaScript each page loads before it is interactive, and fails the build when
 * the door page goes over its budget (issue 14). A page's JavaScript is the entry chunk and the
 * chunks of the modules it lazily loads first (its page component, its translations), each with
 * every chunk those import statically. Sizes are gzip level 9, as `precompress` writes them and
 * the server sends them; kB are 1,000 bytes.
 */
export interface RouteBudgetOptions {
  /** Per page: source modules (relative to web/) loaded before it is interactive, besides the entry. */
  routes: Record<string, string[]>;
  /** The page held to a limit, and the limit in kB (gzip). */
  budget: { route: string; limitKb: number };
  /** The chunk of the libraries every page needs (a `codeSplitting` group): the floor, printed. */
  floorChunk: string;
}

export function routeBudget(options: RouteBudgetOptions): Plugin {
  let root = '';
  return {
    name: 'amtsraum-route-budget',
    apply: 'build',
    configResolved(config) {
      root = config.root;
    },
    generateBundle(_output, bundle) {
      const report = measureRoutes(bundle, root, options.routes);
      const lines = report.map(
        (route) =>
          `  ${route.name.padEnd(14)} ${(route.gzip / 1000).toFixed(1).padStart(7)} kB gzip ` +
          `${(route.raw / 1000).toFixed(1).padStart(8)} kB  ${String(route.chunks.length).padStart(3)} chunks`,
      );
      const budget = report.find((route) => route.name === options.budget.route);
      if (!budget) this.error(`route budget: no route named ${options.budget.route}`);
      const floor = Object.values(bundle).find(
        (item): item is OutputChunk => item.type === 'chunk' && item.name === options.floorChunk,
      );
      if (!floor) this.error(`route budget: no chunk named ${options.floorChunk}`);
      const floorGzip = gzipSync(floor.code, { level: 9 }).length;
      this.info(
        `JavaScript per page before it is interactive (gzip -9):\n${lines.join('\n')}\n` +
          `  floor: the libraries alone (${options.floorChunk} chunk) ${(floorGzip / 1000).toFixed(1)} kB\n` +
          `  budget: ${budget.name} ≤ ${String(options.budget.limitKb)} kB`,
      );
      if (budget.gzip > options.budget.limitKb * 1000) {
        this.error(
          `The ${budget.name} page loads ${(budget.gzip / 1000).toFixed(1)} kB of JavaScript (gzip), over its ` +
            `budget of ${String(options.budget.limitKb)} kB (issue 14). Load the new code lazily ` +
            `(lib/lazy-component.ts) or make room elsewhere.`,
        );
      }
    },
  };
}

export interface RouteSize {
  name: string;
  gzip: number;
  raw: number;
  chunks: string[];
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
      if (!chunk) throw new Error(`route budget: ${module} (route ${name}) is in no chunk`);
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
