import { existingIndexNamed } from '../catalog.js';
import type { CatalogView, Rule } from '../types.js';
import { columnList, ident, isExistingTable, nodeAs, relationOf, step } from './ast.js';

export const uniqueIndexOnExistingData: Rule = {
  meta: {
    id: 'unique-index-on-existing-data',
    title: 'Unique index over existing rows',
    category: 'careful',
    defaultSeverity: 'info',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: true,
    why: 'A unique index on columns that already hold data fails if any duplicates exist (a concurrent build then leaves an INVALID index behind), and afterwards inserts that old code considered valid are rejected.',
    safeAlternative: 'Look for duplicates first and clean them up; then build the index concurrently.',
    examples: {
      bad: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);',
      good: 'SELECT email, count(*) FROM users GROUP BY email HAVING count(*) > 1;\n-- dma-ignore unique-index-on-existing-data duplicates checked and removed\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);',
    },
    peers: { atlas: 'MF101' },
  },
  appliesTo: ['IndexStmt'],
  check(context) {
    const index = nodeAs(context.statement.ast, 'IndexStmt');
    const table = relationOf(index?.relation);
    if (!index?.unique || !table || !isExistingTable(context, table.key)) return [];
    // IF NOT EXISTS on an index that is there already: PostgreSQL skips the statement, nothing can fail.
    if (existingIndexNamed(context.catalog, table.key, index)) return [];
    const columns = (index.indexParams ?? []).flatMap((param) => {
      const name = nodeAs(param, 'IndexElem')?.name;
      return name ? [name] : [];
    });
    if (columns.length === 0 || columns.length !== (index.indexParams ?? []).length) return [];
    // A key of these columns that already holds for every row (a unique index or constraint on some of them) leaves
    // no duplicate to fail on and no insert to newly reject. NULLS NOT DISTINCT would reject rows it lets through.
    if (!index.nulls_not_distinct && alreadyUnique(context.catalog, table.key, columns)) return [];
    // A column this migration added and nothing wrote is NULL in every row, and NULLs never collide.
    if (!index.nulls_not_distinct && columns.some((column) => context.catalog.columnHoldsOnlyNull(table.key, column)))
      return [];
    const list = columnList(columns);
    const notNull = columns.map((column) => `${ident(column)} IS NOT NULL`).join(' AND ');
    return [
      {
        message: `Unique index on existing ${table.display} (${columns.join(', ')}) fails if duplicates exist; check first.`,
        table: table.display,
        fix: {
          summary: 'Find and resolve duplicates, then build the index.',
          steps: [
            step(
              'List duplicate keys (must return no rows).',
              `SELECT ${list}, count(*) FROM ${table.display} WHERE ${notNull} GROUP BY ${list} HAVING count(*) > 1;`,
            ),
            step('Then build the index.', `${context.statement.sql.trim()};`, {
              outsideTransaction: index.concurrent === true,
              separateMigration: true,
            }),
          ],
        },
      },
    ];
  },
};

/**
 * A unique index without WHERE, or a unique or primary key constraint, of the table on some of `columns`; or one
 * dropped earlier in the open transaction, whose lock has kept every writer out since (langfuse replaces
 * UNIQUE (domain) by UNIQUE (organization_id, domain)).
 */
function alreadyUnique(catalog: CatalogView, table: string, columns: string[]): boolean {
  const within = (keys: readonly string[]) => keys.length > 0 && keys.every((key) => columns.includes(key));
  if (catalog.uniqueKeysDroppedInCurrentTransaction(table).some(within)) return true;
  for (const existing of catalog.indexes(table))
    if (existing.unique && existing.partial === false && within(existing.columns)) return true;
  for (const constraint of catalog.constraints(table)) {
    if (
      (constraint.kind === 'unique' || constraint.kind === 'primary-key') &&
      constraint.validated &&
      within(constraint.columns)
    )
      return true;
  }
  return false;
}
