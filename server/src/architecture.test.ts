import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The layout rules of docs/decisions/009-server-layout.md, checked on the import graph of every
// source file under server/src (type-only imports included: they show the same dependency).

const SRC = path.dirname(fileURLToPath(import.meta.url));

type Graph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    // Tests (and tests kept aside until their feature lands, *.pending.ts) may use the test helpers.
    return entry.name.endsWith('.ts') && !/\.(test|pending)\.ts$/.test(entry.name) ? [full] : [];
  });
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s(?:[^'";]*?\sfrom\s)?['"](\.{1,2}\/[^'"]+)['"]/g;

/** Relative imports of a file, as paths relative to server/src (`./x.js` is the source `x.ts`). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => {
    const target = path.resolve(path.dirname(file), match[1]!).replace(/\.js$/, '.ts');
    return path.relative(SRC, target);
  });
}

function importGraph(): Graph {
  return new Map(sourceFiles(SRC).map((file) => [path.relative(SRC, file), importsOf(file)]));
}

/** The import circles of a graph (Tarjan's strongly connected components of two or more files, or a self-import). */
function circles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Lower layers: they know nothing of features, the HTTP app, the live hub, the jobs or the process. */
const LOWER = [/^lib\//, /^db\//, /^media\//, /^mail\//, /^deps\.ts$/, /^config\.ts$/];
const UPPER = [/^features\//, /^live\//, /^jobs\//, /^cli\//, /^test\//, /^app\.ts$/, /^server\.ts$/, /^main\.ts$/];

describe('the server’s layout', () => {
  const graph = importGraph();

  it('finds every source file and its imports', () => {
    expect(graph.get('app.ts')).toContain('deps.ts');
    expect(graph.get('features/visits/visits.service.ts')).toContain('features/visits/visit-states.ts');
    // A circle is found, across files and within one:
    expect(
      circles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(circles(new Map([['a', ['a']]]))).toEqual([['a']]);
    expect(
      circles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('has no import circles among server files', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('has no circles among feature folders either: appointments use visits, never the other way round', () => {
    const folderOf = (file: string) => /^features\/[^/]+/.exec(file)?.[0];
    const folders: Graph = new Map();
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      if (!from) continue;
      const uses = folders.get(from) ?? [];
      for (const to of targets.map(folderOf)) if (to && to !== from && !uses.includes(to)) uses.push(to);
      folders.set(from, uses);
    }
    expect(folders.get('features/appointments')).toContain('features/visits');
    expect(circles(folders)).toEqual([]);
  });

  it('keeps lib, db, media, mail, deps and config free of features, the app, the hub and the jobs', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      LOWER.some((layer) => layer.test(file))
        ? targets.filter((target) => UPPER.some((layer) => layer.test(target))).map((target) => `${file} → ${target}`)
        : [],
    );
    expect(upward).toEqual([]);
  });

  it('lets only server.ts build the app: routers get AppDeps from deps.ts', () => {
    const importers = [...graph].filter(([, targets]) => targets.includes('app.ts')).map(([file]) => file);
    expect(importers).toEqual(['server.ts']);
  });
});
