import { valuePlaceholder } from '../fix-placeholder.js';
import type { Rule, RuleHit } from '../types.js';
import {
  alterTableOf,
  batchedUpdateSql,
  columnConstraints,
  columnDefOf,
  columnTypeText,
  ident,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  notNullViaCheckSteps,
  SERIAL_TYPES,
  step,
  typeText,
} from './ast.js';

export const addColumnNotNullWithoutDefault: Rule = {
  meta: {
    id: 'add-column-not-null-without-default',
    title: 'NOT NULL column added without a DEFAULT',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'Existing rows have no value for the new column, so the ALTER fails on any non-empty table; and once it exists, inserts from code that does not know the column fail.',
    safeAlternative:
      'Add the column nullable (or with a constant DEFAULT, metadata-only since PostgreSQL 11), backfill it in batches, then make it NOT NULL through a validated CHECK.',
    examples: {
      bad: 'ALTER TABLE users ADD COLUMN locale text NOT NULL;',
      good: "ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en';",
    },
    peers: { squawk: 'adding-required-field', atlas: 'MF103' },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    // TRUNCATE or DELETE without WHERE earlier in this transaction: no row for the ALTER to fail on.
    if (context.catalog.tableEmptiedInCurrentTransaction(table.key)) return [];
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      const def = cmd.subtype === 'AT_AddColumn' ? columnDefOf(cmd) : undefined;
      if (!def?.colname) continue;
      const constraints = columnConstraints(def);
      const notNull = constraints.some(
        (item) => item.contype === 'CONSTR_NOTNULL' || item.contype === 'CONSTR_PRIMARY',
      );
      const filled =
        SERIAL_TYPES.has(typeText(def.typeName)) ||
        constraints.some((item) =>
          ['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED'].includes(item.contype ?? ''),
        );
      if (!notNull || filled) continue;
      const column = ident(def.colname);
      const type = (columnTypeText(context, def.colname) ?? typeText(def.typeName)).trim();
      hits.push({
        message: `${table.display}.${def.colname} is NOT NULL without a DEFAULT: the ALTER fails if ${table.display} has rows, and old code inserting without the column breaks.`,
        table: table.display,
        fix: {
          summary:
            'Add it nullable, backfill in batches, then enforce NOT NULL through a validated CHECK (or give it a constant DEFAULT).',
          steps: [
            step(
              'Add the column nullable (metadata-only).',
              `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ADD COLUMN ${column} ${type};`,
            ),
            step(
              `Deploy code that writes the column, then backfill existing rows in batches, outside a transaction: replace ${valuePlaceholder(def.colname)} with the value they should get (the tool refuses to run the placeholder).`,
              batchedUpdateSql(table.display, `${column} = ${valuePlaceholder(def.colname)}`, `${column} IS NULL`),
              { outsideTransaction: true, separateMigration: true },
            ),
            ...notNullViaCheckSteps(table, def.colname).map((item) => ({ ...item, separateMigration: true })),
          ],
        },
      });
    }
    return hits;
  },
};
