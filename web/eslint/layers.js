import path from 'node:path';

/**
 * `amtsraum-web/layers`: the web client's layers only point down (docs/decisions/010-web-layout.md).
 *
 *   app/                 routes and layout: may import everything, features through their public face only
 *   features/<name>/     may import ui/, lib/, its own files, and the features the table allows
 *                        (through their public face only)
 *
 * A feature's public face is its index.ts, and its loaders.ts where it has one: the loaders of
 * its lazily loaded parts that another page's first download needs, kept apart from index.ts so
 * that importing one loader does not bring the feature's pages' entries along (issue 14).
 *   ui/                  shared components: may import lib/ and ui/
 *   lib/                 API client, live client, i18n, browser helpers: may import lib/ only
 *
 * Options: `{ root: 'web/src', features: { visits: ['directory'], … } }`, `root` relative to the
 * ESLint working directory. A feature missing from the table is reported, so a new one gets its
 * place in the table (and its dependencies a direction) when it is created.
 */

const SOURCE_EXTENSIONS = /\.(tsx?|jsx?)$/;
const PUBLIC_FACE = /^(index|loaders)(\.(tsx?|jsx?))?$/;

/** Where a file sits: its layer, and for features the feature's name and the path inside it. */
function placeOf(file, root) {
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  const [top, name, ...rest] = relative.split(path.sep);
  if (top === 'features' && name && rest.length > 0) return { layer: 'feature', name, inside: rest.join('/') };
  if (top === 'features') return { layer: 'feature', name: name ?? '', inside: '' };
  if (top === 'app' || top === 'ui' || top === 'lib' || top === 'locales') return { layer: top };
  return { layer: 'root' };
}

/** What each lower layer may import (features are handled apart). */
const ALLOWED = {
  lib: new Set(['lib', 'locales']),
  ui: new Set(['lib', 'ui', 'locales']),
};

const describePlace = (place) => (place.layer === 'feature' ? `features/${place.name}` : `${place.layer}/`);

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: {
      description: "Keep the web client's layers pointing down and features behind their index.ts (and loaders.ts).",
    },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          features: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        },
        required: ['root', 'features'],
        additionalProperties: false,
      },
    ],
    messages: {
      upward: '{{from}} may not import from {{to}}: lower layers import nothing from features or app.',
      deep: "Import features/{{feature}} through its public face ('…/features/{{feature}}'), not '{{source}}'.",
      notAllowed:
        'features/{{from}} may not depend on features/{{to}}: the feature table in eslint.config.js says which way dependencies point.',
      unknownFeature:
        'features/{{name}} is not in the feature table of eslint.config.js: add it with its dependencies.',
    },
  },
  create(context) {
    const [{ root, features }] = context.options;
    const rootDir = path.resolve(context.cwd, root);
    const file = context.filename;
    const from = SOURCE_EXTENSIONS.test(file) ? placeOf(file, rootDir) : null;
    if (!from) return {};

    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return; // packages, shared
      const to = placeOf(path.resolve(path.dirname(file), source), rootDir);
      if (!to) return;
      const report = (messageId, data) => context.report({ node, messageId, data });

      if (from.layer === 'lib' || from.layer === 'ui') {
        if (!ALLOWED[from.layer].has(to.layer)) report('upward', { from: `${from.layer}/`, to: describePlace(to) });
        return;
      }
      if (from.layer === 'feature' && to.layer === 'app') {
        report('upward', { from: describePlace(from), to: 'app/' });
        return;
      }
      if (to.layer !== 'feature' || (from.layer === 'feature' && from.name === to.name)) return;
      if (!(to.name in features)) {
        report('unknownFeature', { name: to.name });
        return;
      }
      if (from.layer === 'feature' && !(features[from.name] ?? []).includes(to.name)) {
        report('notAllowed', { from: from.name, to: to.name });
        return;
      }
      if (to.inside !== '' && !PUBLIC_FACE.test(to.inside)) report('deep', { feature: to.name, source });
    };

    const fromFeatureTable = () => {
      if (from.layer === 'feature' && !(from.name in features)) {
        return { Program: (node) => context.report({ node, messageId: 'unknownFeature', data: { name: from.name } }) };
      }
      return {};
    };

    return {
      ...fromFeatureTable(),
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { layers: layersRule } };
