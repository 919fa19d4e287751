import { foreignKeyLookupIndexed } from '../catalog.js';
import type { CatalogView, IndexInfo, MigrationEndHit, Rule } from '../types.js';
import { columnList, displayOf, ident, indexName, keySql, type Relation, step } from './ast.js';

export const foreignKeyMissingIndex: Rule = {
  meta: {
    id: 'foreign-key-missing-index',
    title: 'Foreign key without an index on its columns',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'PostgreSQL does not index the referencing side of a foreign key: every DELETE or key UPDATE on the referenced table then scans the referencing table, and joins on the key are slow.',
    safeAlternative:
      'Create an index whose leading columns are the foreign key columns (CONCURRENTLY on an existing table), before adding the constraint.',
    examples: {
      bad: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
      good: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\n-- next migration\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
    },
    peers: { eugene: 'E15' },
  },
  appliesTo: ['AlterTableStmt'],
  // Whether an index exists is decided at the end of the migration, which may create it after the foreign key.
  check: () => [],
  finish(context) {
    const hits: MigrationEndHit[] = [];
    const reported = new Set<string>();
    const { catalog } = context;
    for (const { table, columns, references, at } of context.foreignKeys) {
      const newTable = at.kind === 'CreateStmt' || catalog.tableCreatedInThisMigration(table);
      if (columns.length === 0) continue;
      // Dropped again, or (with a known schema) a table that does not exist: unknown-table says so.
      if ((newTable || catalog.schemaKnown) && !catalog.tableExists(table)) continue;
      const id = `${table}(${columns.join(',')})`;
      if (reported.has(id) || foreignKeyLookupIndexed(catalog, table, columns)) continue;
      reported.add(id);
      const relation: Relation = { key: table, display: keySql(table) };
      const hit = (newTable ? newTableHit : existingTableHit)(relation, columns, displayOf(references), catalog);
      const partial = partialIndexStartingWith(catalog, table, columns);
      if (partial) hit.message = partialMessage(relation, columns, displayOf(references), partial);
      hits.push({ at, ...hit });
    }
    return hits;
  },
};

type HitBody = Omit<MigrationEndHit, 'at'>;

/** An index on the key's columns that exists but whose WHERE the key lookup does not imply. */
function partialIndexStartingWith(catalog: CatalogView, table: string, columns: string[]): IndexInfo | undefined {
  return catalog
    .indexes(table)
    .find((index) => index.partial === true && columns.every((column, at) => index.columns[at] === column));
}

function partialMessage(relation: Relation, columns: string[], references: string, index: IndexInfo): string {
  return `${relation.display} (${columns.join(', ')}) references ${references}, but its index ${displayOf(index.name)} is partial: deletes and key updates on ${references} cannot use it and will scan ${relation.display}.`;
}

function newTableHit(relation: Relation, columns: string[], references: string): HitBody {
  return {
    message: `${relation.display} (${columns.join(', ')}) references ${references}, but no index starting with those columns exists by the end of the migration: deletes and key updates on ${references} will scan ${relation.display}.`,
    table: relation.display,
    fix: {
      summary: 'Index the foreign key columns in the same migration.',
      steps: [
        step(
          'Index the new table right after creating it (empty, so a plain CREATE INDEX is instant).',
          `CREATE INDEX ${ident(indexName(relation, columns))} ON ${relation.display} (${columnList(columns)});`,
        ),
      ],
    },
  };
}

function existingTableHit(relation: Relation, columns: string[], references: string, catalog: CatalogView): HitBody {
  // Without a schema snapshot or history, indexes that already exist are unknown: say so, quietly.
  const unknownSchema = !catalog.schemaKnown;
  return {
    message: unknownSchema
      ? `No index on ${relation.display} (${columns.join(', ')}) is known (give a schema snapshot to check existing ones); without one, deletes and key updates on ${references} scan ${relation.display}.`
      : `No index starts with ${relation.display} (${columns.join(', ')}) by the end of the migration: deletes and key updates on ${references} will scan ${relation.display}. Create the index before the foreign key.`,
    table: relation.display,
    ...(unknownSchema ? { severity: 'info' as const } : {}),
    fix: {
      summary: 'Index the foreign key columns.',
      steps: [
        step(
          'Index the existing table without blocking writes (its own non-transactional migration, before the foreign key).',
          `CREATE INDEX CONCURRENTLY ${ident(indexName(relation, columns))} ON ${relation.display} (${columnList(columns)});`,
          { outsideTransaction: true, separateMigration: true },
        ),
      ],
    },
  };
}
