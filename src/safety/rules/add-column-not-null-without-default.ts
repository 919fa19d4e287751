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
    const required: Array<{ name: string; type: string }> = [];
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
      required.push({
        name: def.colname,
        type: (columnTypeText(context, def.colname) ?? typeText(def.typeName)).trim(),
      });
    }
    if (required.length === 0) return [];
    // One statement, one finding: the ALTER fails once, and the columns are added, backfilled and enforced together.
    const one = required.length === 1;
    const names = required.map((column) => `${table.display}.${column.name}`).join(', ');
    // With several columns a row may already have some of them: fill only what is missing.
    const assignments = required
      .map((column) =>
        one
          ? `${ident(column.name)} = ${valuePlaceholder(column.name)}`
          : `${ident(column.name)} = COALESCE(${ident(column.name)}, ${valuePlaceholder(column.name)})`,
      )
      .join(', ');
    const placeholders = required.map((column) => valuePlaceholder(column.name)).join(', ');
    hits.push({
      message: `${names} ${one ? 'is' : 'are'} NOT NULL without a DEFAULT: the ALTER fails if ${table.display} has rows, and old code inserting without ${one ? 'the column' : 'them'} breaks.`,
      table: table.display,
      fix: {
        summary: `Add ${one ? 'it' : 'them'} nullable, backfill in batches, then enforce NOT NULL through a validated CHECK (or give ${one ? 'it' : 'each'} a constant DEFAULT).`,
        steps: [
          step(
            `Add the column${one ? '' : 's'} nullable (metadata-only).`,
            `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ${required.map((column) => `ADD COLUMN ${ident(column.name)} ${column.type}`).join(', ')};`,
          ),
          step(
            `Deploy code that writes ${one ? 'the column' : 'them'}, then backfill existing rows in batches, outside a transaction: replace ${placeholders} with the value${one ? '' : 's'} they should get (the tool refuses to run ${one ? 'the placeholder' : 'placeholders'}).`,
            batchedUpdateSql(
              table.display,
              assignments,
              required.map((column) => `${ident(column.name)} IS NULL`).join(' OR '),
            ),
            { outsideTransaction: true, separateMigration: true },
          ),
          ...required.flatMap((column) =>
            notNullViaCheckSteps(table, column.name).map((item) => ({ ...item, separateMigration: true })),
          ),
        ],
      },
    });
    return hits;
  },
};
