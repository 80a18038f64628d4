/**
 * What to delete (ids of stored rows not wanted) and what to insert (wanted rows not stored), by
 * `key`: a list written again unchanged keeps its rows, ids and creation times.
 */
export function listDifference<S extends { id: string }, W>(
  stored: readonly S[],
  wanted: readonly W[],
  key: (row: S | W) => string,
): { remove: string[]; add: W[] } {
  const left = new Map<string, string[]>();
  for (const row of stored) left.set(key(row), [...(left.get(key(row)) ?? []), row.id]);
  const add: W[] = [];
  for (const row of wanted) {
    const ids = left.get(key(row));
    if (ids && ids.length > 0) ids.shift();
    else add.push(row);
  }
  return { remove: [...left.values()].flat(), add };
}

/** JSON with object keys in order, so `{de, en}` and `{en, de}` (jsonb reorders) compare equal. */
export function sortedKeys(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, (value as Record<string, unknown>)[k]]),
  );
}

/** The entries whose value is given: `undefined` means "left out", `null` is a value. */
export function givenOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
