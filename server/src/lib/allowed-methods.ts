/** What this needs of Express's router layers (router 2: `match` returns the match, or false). */
interface LayerLike {
  match(path: string): false | { path: string } | undefined;
  route?: { _methods(): string[] };
  handle?: { stack?: unknown };
}

function methodsIn(stack: LayerLike[], path: string, into: Set<string>): void {
  for (const layer of stack) {
    let match: ReturnType<LayerLike['match']>;
    try {
      match = layer.match(path);
    } catch {
      continue; // a malformed escape in the path: that layer never serves it
    }
    if (!match) continue;
    if (layer.route) {
      for (const method of layer.route._methods()) into.add(method);
      continue;
    }
    const inner = layer.handle?.stack;
    if (!Array.isArray(inner)) continue;
    const rest = path.slice(match.path.length);
    methodsIn(inner as LayerLike[], rest.startsWith('/') ? rest : `/${rest}`, into);
  }
}

/**
 * The methods some route of `stack` (a router's, as Express keeps it) serves at `path` (relative
 * to that router), for a request that no route took: when there are any, the request names a real
 * address with the wrong method (405 with `Allow`, RFC 9110), not an address that does not exist
 * (404). Read from Express's own routing table, so it never disagrees with what is served.
 */
export function allowedMethods(stack: unknown, path: string, method: string): string[] {
  if (!Array.isArray(stack)) return [];
  const methods = new Set<string>();
  methodsIn(stack as LayerLike[], path, methods);
  // Served after all (a handler passed it on): not a question of the method.
  if (methods.has(method)) return [];
  return [...methods].sort();
}
