import fs from 'node:fs';
import type { Plugin } from 'vite';

/** zod's JSON Schema conversion, which every classic schema carries whether it is used or not. */
const JSON_SCHEMA_MODULES =
  /[\\/]node_modules[\\/]zod[\\/]v4[\\/]core[\\/](json-schema-processors|to-json-schema)\.js$/;

/**
 * Leaves zod's JSON Schema conversion (`toJSONSchema`, about 6 kB gzip) out of the web client,
 * which parses with zod but never describes a schema as JSON Schema. zod's classic schemas import
 * it unconditionally (each schema type registers its converter), so tree-shaking cannot drop it
 * (issue 14: the door page's JavaScript). The modules are replaced by ones with the same exports,
 * read from the real files so that a zod upgrade keeps resolving; calling any of them throws.
 * Parsing does not touch them: the browser tests walk every form and every parsed response.
 */
export function zodWithoutJsonSchema(): Plugin {
  return {
    name: 'amtsraum-zod-without-json-schema',
    apply: 'build',
    enforce: 'pre',
    load(id) {
      const file = id.split('?')[0] ?? id;
      if (!JSON_SCHEMA_MODULES.test(file)) return null;
      const source = fs.readFileSync(file, 'utf8');
      const names = new Set<string>();
      for (const match of source.matchAll(/^export (?:const|function|let|class) (\w+)/gm)) names.add(match[1]!);
      for (const match of source.matchAll(/^export \{([^}]*)\}/gm)) {
        for (const part of match[1]!.split(',')) {
          const name = part
            .trim()
            .split(/\s+as\s+/)
            .at(-1);
          if (name) names.add(name);
        }
      }
      const lines = [...names].map((name) => `export const ${name} = unavailable;`);
      return [
        'function unavailable() {',
        "  throw new Error('zod JSON Schema conversion is left out of the web client (web/vite/zod-without-json-schema.ts)');",
        '}',
        ...lines,
      ].join('\n');
    },
  };
}
