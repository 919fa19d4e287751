import type { Constraint } from 'libpg-query';
import { hasIndexStartingWith } from '../catalog.js';
import { namesOf } from '../names.js';
import type { CatalogView, MigrationEndHit, Rule, RuleHit } from '../types.js';
import {
  alterTableOf,
  columnConstraints,
  columnDefOf,
  columnList,
  constraintOf,
  displayOf,
  ident,
  indexName,
  type Relation,
  relationOf,
  step,
} from './ast.js';

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
  check(context) {
    const found: Array<{ table: Relation; columns: string[]; isNew: boolean }> = [];
    // Foreign keys inside CREATE TABLE are checked by finish(), at the end of the migration: the index can
    // only come after the CREATE TABLE.
    const altered = alterTableOf(context);
    if (altered) {
      const isNew =
        context.catalog.tableCreatedInThisMigration(altered.table.key) ||
        context.catalog.tableCreatedInCurrentTransaction(altered.table.key);
      for (const cmd of altered.cmds) {
        const constraint = cmd.subtype === 'AT_AddConstraint' ? constraintOf(cmd) : undefined;
        if (constraint) collect(altered.table, constraint, isNew);
        const def = cmd.subtype === 'AT_AddColumn' ? columnDefOf(cmd) : undefined;
        if (def?.colname && columnConstraints(def).some((item) => item.contype === 'CONSTR_FOREIGN')) {
          found.push({ table: altered.table, columns: [def.colname], isNew });
        }
      }
    }
    const hits: RuleHit[] = [];
    for (const { table, columns, isNew } of found) {
      // A table created in this migration holds no rows yet: its index may come later in the migration, and
      // finish() reports the key only when none exists by the end.
      if (isNew) continue;
      const covered =
        hasIndexStartingWith(context.catalog, table.key, columns) ||
        context.catalog
          .constraints(table.key)
          .some(
            (constraint) =>
              (constraint.kind === 'primary-key' || constraint.kind === 'unique') &&
              columns.every((column, position) => constraint.columns[position] === column),
          );
      if (covered) continue;
      const name = ident(indexName(table, columns));
      // Without a schema snapshot or history, indexes that already exist are unknown: say so, quietly.
      const unknownSchema = !isNew && !context.catalog.schemaKnown;
      hits.push({
        message: unknownSchema
          ? `No index on ${table.display} (${columns.join(', ')}) is known (give a schema snapshot to check existing ones); without one, deletes and key updates on the referenced table scan ${table.display}.`
          : `No index starts with ${table.display} (${columns.join(', ')}): deletes and key updates on the referenced table will scan ${table.display}. Create the index before the foreign key.`,
        table: table.display,
        ...(unknownSchema ? { severity: 'info' as const } : {}),
        fix: {
          summary: 'Index the foreign key columns.',
          steps: [
            isNew
              ? step(
                  'Index the new table (empty, so a plain CREATE INDEX is instant).',
                  `CREATE INDEX ${name} ON ${table.display} (${columnList(columns)});`,
                )
              : step(
                  'Index the existing table without blocking writes (its own non-transactional migration, before the foreign key).',
                  `CREATE INDEX CONCURRENTLY ${name} ON ${table.display} (${columnList(columns)});`,
                  {
                    outsideTransaction: true,
                    separateMigration: true,
                  },
                ),
          ],
        },
      });
    }
    return hits;

    function collect(table: Relation, constraint: Constraint, isNew: boolean): void {
      if (constraint.contype !== 'CONSTR_FOREIGN' || !relationOf(constraint.pktable)) return;
      const columns = namesOf(constraint.fk_attrs);
      if (columns.length > 0) found.push({ table, columns, isNew });
    }
  },
  // Foreign keys declared inside CREATE TABLE: the index can only come after the table, so whether one did is
  // known at the end of the migration.
  finish(context) {
    const hits: MigrationEndHit[] = [];
    const reported = new Set<string>();
    for (const { table, columns, references, at } of context.foreignKeys) {
      const newTable = at.kind === 'CreateStmt' || context.catalog.tableCreatedInThisMigration(table);
      if (!newTable || columns.length === 0 || !context.catalog.tableExists(table)) continue;
      const id = `${table}(${columns.join(',')})`;
      if (reported.has(id) || coveredAtEnd(context.catalog, table, columns)) continue;
      reported.add(id);
      const relation: Relation = { key: table, display: displayOf(table).split('.').map(ident).join('.') };
      hits.push({
        at,
        message: `${relation.display} (${columns.join(', ')}) references ${displayOf(references)}, but no index starting with those columns exists by the end of the migration: deletes and key updates on ${displayOf(references)} will scan ${relation.display}.`,
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
      });
    }
    return hits;
  },
};

function coveredAtEnd(catalog: CatalogView, table: string, columns: string[]): boolean {
  return (
    hasIndexStartingWith(catalog, table, columns) ||
    catalog
      .constraints(table)
      .some(
        (constraint) =>
          (constraint.kind === 'primary-key' || constraint.kind === 'unique') &&
          columns.every((column, position) => constraint.columns[position] === column),
      )
  );
}
