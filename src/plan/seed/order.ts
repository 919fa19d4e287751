import { UserError } from '../../errors.js';
import type { Schema, Table } from '../../schema/model.js';

/**
 * The tables to seed in insert order: the requested ones plus every table they reference (a parent row must exist
 * before a child points at it), parents first. A self-reference is allowed (its column is left null); a cycle
 * between tables cannot be ordered and is refused.
 */
export interface OrderedTable {
  table: Table;
  reason: 'requested' | 'parent';
}

export function findTable(schema: Schema, name: string): Table {
  const wanted = name.toLowerCase();
  const table = schema.tables.find(
    (candidate) =>
      candidate.name.toLowerCase() === wanted ||
      `${candidate.namespace ?? ''}.${candidate.name}`.toLowerCase() === wanted,
  );
  if (!table)
    throw new UserError(
      'seed-table-not-found',
      `Table "${name}" is not in the schema (${schema.tables.length} tables: ${schema.tables
        .slice(0, 8)
        .map((t) => t.name)
        .join(', ')}${schema.tables.length > 8 ? ', …' : ''}).`,
      'Name a table of the schema source, or check the schema source (schema / --schema).',
    );
  return table;
}

export function insertOrder(schema: Schema, requested: string[], existingParents: Set<string>): OrderedTable[] {
  const ordered: OrderedTable[] = [];
  const requestedTables = requested.map((name) => findTable(schema, name));
  const wanted = new Set(requestedTables.map((table) => table.name));
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (table: Table, path: string[]): void => {
    if (done.has(table.name)) return;
    if (visiting.has(table.name))
      throw new UserError(
        'seed-cycle',
        `Tables reference each other in a cycle (${[...path, table.name].join(' → ')}); no insert order satisfies every foreign key.`,
        'Seed the tables separately, or make one of the foreign keys nullable or DEFERRABLE.',
      );
    visiting.add(table.name);
    for (const key of table.foreignKeys) {
      if (key.referencedTable === table.name) continue;
      if (existingParents.has(key.referencedTable) && !wanted.has(key.referencedTable)) continue;
      visit(findTable(schema, key.referencedTable), [...path, table.name]);
    }
    visiting.delete(table.name);
    done.add(table.name);
    ordered.push({ table, reason: wanted.has(table.name) ? 'requested' : 'parent' });
  };
  for (const table of requestedTables) visit(table, []);
  return ordered;
}
