import type { Rule } from '../types.js';
import {
  batchedDeleteSql,
  batchedUpdateSql,
  clauseText,
  ident,
  isExistingTable,
  isLargeTable,
  nodeAs,
  relationOf,
  sizeNote,
  step,
} from './ast.js';

export const unbatchedBackfill: Rule = {
  meta: {
    id: 'unbatched-backfill',
    title: 'UPDATE or DELETE of a whole table in one statement',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ROW EXCLUSIVE', on: 'table (plus a row lock on every row it changes)', blocks: 'writes' }],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'One UPDATE or DELETE over a whole table locks every row it touches until it commits, so concurrent writes to those rows wait; it also produces a burst of WAL and dead rows, and inside the DDL transaction it stretches every DDL lock too.',
    safeAlternative:
      'Backfill in batches of about 10,000 rows, each its own short transaction, outside the schema migration (a key-range loop, with a pause between batches).',
    examples: {
      bad: "UPDATE users SET locale = 'en';",
      good: "-- in batches, outside the DDL transaction\nUPDATE users SET locale = 'en' WHERE id >= 1 AND id < 10001 AND locale IS NULL;",
    },
    peers: { strong_migrations: 'backfill (documented)' },
  },
  appliesTo: ['UpdateStmt', 'DeleteStmt'],
  check(context) {
    const update = nodeAs(context.statement.ast, 'UpdateStmt');
    const remove = nodeAs(context.statement.ast, 'DeleteStmt');
    const relation = update?.relation ?? remove?.relation;
    const table = relationOf(relation);
    if (!table || !isExistingTable(context, table.key)) return [];
    const where = update?.whereClause ?? remove?.whereClause;
    const large = isLargeTable(context, table.key);
    if (where && !large) return [];
    const sql = context.statement.sql.trim();
    const condition = where ? clauseText(sql, 'WHERE', ['RETURNING']) : undefined;
    const verb = update ? 'UPDATE' : 'DELETE';
    let fixSql: string;
    if (update) {
      const assignments = clauseText(sql, 'SET', ['WHERE', 'RETURNING']) ?? '';
      const alias = relation?.alias?.aliasname;
      const key = alias ? `${ident(alias)}.id` : update.fromClause?.length ? `${table.display}.id` : 'id';
      fixSql = batchedUpdateSql(
        alias ? `${table.display} AS ${ident(alias)}` : table.display,
        assignments,
        condition,
        key,
      );
    } else {
      fixSql = batchedDeleteSql(table.display, condition);
    }
    return [
      {
        message: where
          ? `${verb} on large table ${table.display}${sizeNote(context, table.key)} in one statement locks every matching row until it commits; batch it.`
          : `${verb} without WHERE touches every row of ${table.display}${sizeNote(context, table.key)} in one transaction; batch it outside the schema migration.`,
        table: table.display,
        severity: !where || large ? 'error' : undefined,
        fix: {
          summary: `Run the ${verb} in batches of 10,000 rows, each committed separately, outside a transaction.`,
          steps: [
            step(
              update
                ? 'Key-range loop over the primary key (assumed to be an integer column named id; use yours), each batch committed with a short pause.'
                : 'Delete 10,000 rows at a time, each batch committed with a short pause.',
              fixSql,
              { outsideTransaction: true, separateMigration: true },
            ),
          ],
        },
      },
    ];
  },
};
