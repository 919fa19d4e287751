import { readByQuery } from './query-relations.js';
import { type AddLock, descendants } from './related-locks.js';
import type { CatalogView, PgLockMode } from './types.js';

/**
 * What a query locks on the relations it reads: ACCESS SHARE on each (ROW SHARE where FOR UPDATE / FOR SHARE names
 * it), the tables under a view it reads, the children of an inheritance parent and the partitions of a partitioned
 * table it scans whole (a WHERE clause may prune partitions, and pruned ones are not locked), and ROW EXCLUSIVE on
 * a sequence nextval() or setval() names. `query` is the statement without the relation it writes (the caller
 * locks that one itself).
 */
export function queryLocks(query: unknown, add: AddLock, catalog: CatalogView | undefined, on = 'table read'): void {
  const { ranges, sequences, written } = readByQuery(query);
  const rowLocked = new Set<string>();
  for (const range of ranges) if (range.rowLocked) rowLocked.add(range.key);
  for (const range of ranges) {
    const mode: PgLockMode = rowLocked.has(range.key) ? 'ROW SHARE' : 'ACCESS SHARE';
    add(range.key, mode, on);
    relatedReads(range.key, mode, range.relation.inh === true, range.filtered, catalog, add);
  }
  for (const sequence of sequences) add(sequence, 'ROW EXCLUSIVE', 'sequence');
  for (const table of written) add(table, 'ROW EXCLUSIVE', 'table written by a WITH query');
}

/**
 * Relations reached through one PostgreSQL opens: the tables a view's query reads (the rewriter locks them in the
 * same mode), and the children of a parent it recurses into. LOCK TABLE reaches them the same way.
 */
export function relatedReads(
  key: string,
  mode: PgLockMode,
  recurse: boolean,
  filtered: boolean,
  catalog: CatalogView | undefined,
  add: AddLock,
): void {
  if (!catalog) return;
  const pending = [...(catalog.viewReads(key) ?? [])];
  const seen = new Set([key]);
  // A view over views: the rewriter reaches every table underneath.
  for (let read = pending.pop(); read !== undefined; read = pending.pop()) {
    if (seen.has(read)) continue;
    seen.add(read);
    add(read, mode, 'table read by the view');
    pending.push(...(catalog.viewReads(read) ?? []));
  }
  if (!recurse) return;
  // Partitions a WHERE clause prunes at plan time are not locked; inheritance children always are.
  const partitioned = catalog.isPartitioned(key);
  if (partitioned && filtered) return;
  for (const child of descendants(catalog, key, partitioned))
    add(child, mode, partitioned ? 'partition' : 'child table');
}
