import { AUDIT_DATA_KEYS } from '@amtsraum/shared';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The audit log viewer shows only the data keys on `AUDIT_DATA_KEYS` (shared/src/audit.api.ts), each
// with a label in German and English (shared/src/audit-details.ts). A key a feature writes and the list
// does not know is left out of the page and the CSV: a refused sign-in's reason went unseen. This
// reads every audit write in server/src (with TypeScript's parser, no type checking: fast) and
// collects the keys its `data` can have, following the few helpers that pass data on: a spread of a
// function's result, a parameter (to the helper's callers), a local constant, a conditional.

const SERVER_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The functions that write an audit entry, and which argument is the entry. */
const SINKS = new Set(['insertAudit', 'auditInsert']);

interface Found {
  /** Each key, with one place that writes it. */
  keys: Map<string, string>;
  /** Expressions whose keys could not be told from the code, with their place. */
  unresolved: string[];
  /** How many audit writes were read. */
  writes: number;
  /** Files that insert into the audit table themselves (only the repository should). */
  directInserts: string[];
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')
      ? [full]
      : [];
  });
}

type FunctionLike = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration;

function functionName(fn: FunctionLike): string | null {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name) return fn.name.getText();
  if (ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return null;
}

function collectAuditKeys(): Found {
  const files = sourceFiles(SERVER_SRC).map((file) =>
    ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true),
  );
  const found: Found = { keys: new Map(), unresolved: [], writes: 0, directInserts: [] };
  const where = (node: ts.Node) => {
    const source = node.getSourceFile();
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    return `${path.relative(SERVER_SRC, source.fileName)}:${String(line + 1)}`;
  };
  const fail = (node: ts.Node): void => {
    found.unresolved.push(`${node.getText().slice(0, 80)} (${where(node)})`);
  };

  // Every call and every function by name, across files (names of helpers are unique enough here).
  const calls = new Map<string, ts.CallExpression[]>();
  const functions = new Map<string, FunctionLike[]>();
  const walk = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'insert' &&
      node.arguments[0]?.getText() === 'auditEvents'
    ) {
      found.directInserts.push(where(node));
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const list = calls.get(node.expression.text) ?? [];
      list.push(node);
      calls.set(node.expression.text, list);
    }
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node) ||
      ts.isMethodDeclaration(node)
    ) {
      const name = functionName(node);
      if (name) functions.set(name, [...(functions.get(name) ?? []), node]);
    }
    ts.forEachChild(node, walk);
  };
  for (const file of files) walk(file);

  /** The expressions being followed now: a helper that calls itself is followed once. */
  const following = new Set<ts.Node>();

  /** The parameter an identifier names, with its function and position; null for anything else. */
  const parameterOf = (id: ts.Identifier): { fn: FunctionLike; index: number } | null => {
    for (let node: ts.Node | undefined = id.parent; node; node = node.parent) {
      if (
        ts.isFunctionDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node) ||
        ts.isMethodDeclaration(node)
      ) {
        const index = node.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
        if (index >= 0) return { fn: node, index };
      }
    }
    return null;
  };

  /** A local constant's initializer, in the same function or file. */
  const constantOf = (id: ts.Identifier): ts.Expression | null => {
    let found: ts.Expression | null = null;
    const scope = id.getSourceFile();
    const look = (node: ts.Node) => {
      if (
        ts.isVariableDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === id.text &&
        node.initializer &&
        node.getStart() < id.getStart()
      ) {
        found = node.initializer;
      }
      ts.forEachChild(node, look);
    };
    look(scope);
    return found;
  };

  /**
   * The object literals an expression can be, with `then` called on each. `path` picks a property
   * of the argument a helper's parameter receives (e.g. `entry.data`).
   */
  const objects = (expression: ts.Expression, then: (literal: ts.ObjectLiteralExpression) => void): void => {
    if (following.has(expression)) return;
    following.add(expression);
    try {
      follow(expression, then);
    } finally {
      following.delete(expression);
    }
  };
  const follow = (expression: ts.Expression, then: (literal: ts.ObjectLiteralExpression) => void): void => {
    if (
      ts.isParenthesizedExpression(expression) ||
      ts.isAsExpression(expression) ||
      ts.isSatisfiesExpression(expression)
    )
      return objects(expression.expression, then);
    if (ts.isObjectLiteralExpression(expression)) return then(expression);
    if (ts.isConditionalExpression(expression)) {
      objects(expression.whenTrue, then);
      return objects(expression.whenFalse, then);
    }
    if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) {
      objects(expression.left, then);
      return objects(expression.right, then);
    }
    if (ts.isCallExpression(expression) && ts.isIdentifier(expression.expression)) {
      const fns = functions.get(expression.expression.text) ?? [];
      if (fns.length === 0) return fail(expression);
      for (const fn of fns) returns(fn, then);
      return;
    }
    if (ts.isIdentifier(expression)) {
      const parameter = parameterOf(expression);
      if (parameter) return argumentsOf(parameter.fn, parameter.index, expression, then);
      const constant = constantOf(expression);
      if (constant) return objects(constant, then);
      return fail(expression);
    }
    if (ts.isPropertyAccessExpression(expression)) {
      // `entry.data`: the `data` of whatever `entry` can be.
      const name = expression.name.text;
      return objects(expression.expression, (owner) => {
        const value = propertyValue(owner, name);
        if (value) objects(value, then);
      });
    }
    fail(expression);
  };

  /** What a function returns, as object literals. */
  const returns = (fn: FunctionLike, then: (literal: ts.ObjectLiteralExpression) => void) => {
    if (fn.body && !ts.isBlock(fn.body)) return objects(fn.body, then);
    const look = (node: ts.Node) => {
      if (ts.isReturnStatement(node) && node.expression) objects(node.expression, then);
      if (node !== fn.body && (ts.isFunctionLike(node) || ts.isClassLike(node))) return;
      ts.forEachChild(node, look);
    };
    if (fn.body) look(fn.body);
  };

  /** Every argument a parameter receives, from every call of its function by name (or its default). */
  const argumentsOf = (
    fn: FunctionLike,
    index: number,
    at: ts.Node,
    then: (literal: ts.ObjectLiteralExpression) => void,
  ) => {
    const name = functionName(fn);
    if (!name) return fail(at);
    const fallback = fn.parameters[index]?.initializer;
    if (fallback) objects(fallback, then);
    for (const call of calls.get(name) ?? []) {
      const argument = call.arguments[index];
      if (argument) objects(argument, then);
    }
  };

  /** A property's value in an object literal; undefined when it has none (spreads are followed by the callers). */
  const propertyValue = (literal: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined => {
    for (const property of literal.properties) {
      if (ts.isPropertyAssignment(property) && property.name.getText() === name) return property.initializer;
      if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
    }
    return undefined;
  };

  /** Every key of a `data` object literal, spreads followed. */
  const keysOf = (literal: ts.ObjectLiteralExpression) => {
    for (const property of literal.properties) {
      if (ts.isSpreadAssignment(property)) objects(property.expression, keysOf);
      else if (property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) {
        if (!found.keys.has(property.name.text)) found.keys.set(property.name.text, where(property));
      } else fail(property);
    }
  };

  /** An entry's `data`, also from its spreads (`...entry`, `...auditOf(…)`, `...(x ? { data } : {})`). */
  const dataOfEntry = (entry: ts.ObjectLiteralExpression) => {
    const value = propertyValue(entry, 'data');
    if (value) objects(value, keysOf);
    for (const property of entry.properties) {
      if (ts.isSpreadAssignment(property)) objects(property.expression, dataOfEntry);
    }
  };

  for (const sink of SINKS) {
    for (const call of calls.get(sink) ?? []) {
      // The repository's own forwarding (insertAudit → auditInsert) is the same entry.
      if (call.getSourceFile().fileName.endsWith(path.join('audit', 'audit.repo.ts'))) continue;
      const entry = call.arguments[call.arguments.length - 1];
      if (!entry) continue;
      found.writes += 1;
      objects(entry, dataOfEntry);
    }
  }
  return found;
}

describe('audit data keys', () => {
  const found = collectAuditKeys();

  it('reads every audit write of the server and can tell each one’s keys', () => {
    // A write the reader cannot follow is named here: write its data as an object literal, or
    // teach the reader the new way.
    expect(found.unresolved).toEqual([]);
    // Every write goes through the repository's insertAudit or auditInsert, which this follows.
    expect(found.directInserts.every((at) => at.startsWith(path.join('features', 'audit', 'audit.repo.ts')))).toBe(
      true,
    );
    expect(found.directInserts.length).toBeGreaterThan(0);
    expect(found.writes).toBeGreaterThanOrEqual(45);
    // Written through helpers and spreads: a refused sign-in, a check-in at the kiosk, a clerk's action, an invite.
    expect([...found.keys.keys()]).toEqual(expect.arrayContaining(['reason', 'ticketNumber', 'state', 'guestId']));
  });

  it('puts every key the server writes on the viewer’s list', () => {
    const known = new Set<string>(AUDIT_DATA_KEYS);
    const unknown = [...found.keys].filter(([key]) => !known.has(key)).map(([key, at]) => `${key} (${at})`);
    expect(unknown).toEqual([]);
  });
});
