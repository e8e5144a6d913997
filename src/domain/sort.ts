import type { SortKey } from './ports.js';

/** "name,-createdAt" → [{name asc}, {createdAt desc}]; the schema has already checked the grammar. */
export function parseSort<F extends string>(spec: string | undefined, fallback: F): SortKey<F>[] {
  if (!spec) return [{ field: fallback, descending: false }];
  return spec.split(',').map((part) =>
    part.startsWith('-') ? { field: part.slice(1) as F, descending: true } : { field: part as F, descending: false },
  );
}
