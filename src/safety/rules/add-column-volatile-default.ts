import type { Rule, RuleHit } from '../types.js';
import {
  alterTableOf,
  batchedUpdateSql,
  columnConstraints,
  columnDefOf,
  columnTypeText,
  defaultExpressionText,
  expressionVolatility,
  ident,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  nodeAs,
  notNullViaCheckSteps,
  severityForSize,
  sizeNote,
  step,
  typeText,
} from './ast.js';

export const addColumnVolatileDefault: Rule = {
  meta: {
    id: 'add-column-volatile-default',
    title: 'Column added with a volatile DEFAULT (table rewrite)',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: false,
    why: 'A DEFAULT that must be computed per row (random(), gen_random_uuid(), clock_timestamp(), nextval(), …) makes PostgreSQL rewrite the table and all its indexes under ACCESS EXCLUSIVE. Constant and STABLE defaults such as now() are stored once and cost nothing since PostgreSQL 11.',
    safeAlternative:
      'Add the column without a default, SET DEFAULT for new rows (metadata-only), then backfill existing rows in batches.',
    examples: {
      bad: 'ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();',
      good: 'ALTER TABLE orders ADD COLUMN public_id uuid;\nALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();\n-- then backfill in batches',
    },
    peers: {
      squawk: 'adding-field-with-default',
      strong_migrations: 'add_column_default',
      atlas: 'PG302',
    },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      const def = cmd.subtype === 'AT_AddColumn' ? columnDefOf(cmd) : undefined;
      if (!def?.colname) continue;
      const constraints = columnConstraints(def);
      const fallback = constraints.find((item) => item.contype === 'CONSTR_DEFAULT');
      if (!fallback) continue;
      if (nodeAs(fallback.raw_expr, 'A_Const')?.isnull) continue;
      const { volatility, functions } = expressionVolatility(fallback.raw_expr, context.catalog);
      let reason: string;
      if (context.pgVersion < 11) reason = 'before PostgreSQL 11 any DEFAULT rewrites the table';
      else if (volatility === 'volatile')
        reason = `${functions.join(', ')} is volatile, so every row gets its own value`;
      else if (volatility === 'unknown')
        reason = `${functions.join(', ')} may be volatile (not a known STABLE/IMMUTABLE built-in); if it is, every row is rewritten`;
      else continue;
      const column = ident(def.colname);
      const expression = defaultExpressionText(context, def.colname) ?? 'NULL';
      const type = (columnTypeText(context, def.colname) ?? typeText(def.typeName)).trim();
      const notNull = constraints.some((item) => item.contype === 'CONSTR_NOTNULL');
      hits.push({
        message: `Adding ${table.display}.${def.colname} with DEFAULT ${expression} rewrites ${table.display}${sizeNote(context, table.key)} under ACCESS EXCLUSIVE: ${reason}.`,
        table: table.display,
        ...(volatility === 'unknown' && context.pgVersion >= 11
          ? { severity: 'info' as const }
          : { severity: severityForSize(context, table.key) }),
        fix: {
          summary: 'Add the column without a default, set the default for new rows, backfill existing rows in batches.',
          steps: [
            step(
              'Add the column with no default (metadata-only).',
              `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ADD COLUMN ${column} ${type};`,
            ),
            step(
              'Give new rows the default (metadata-only; existing rows stay NULL).',
              `ALTER TABLE ${table.display} ALTER COLUMN ${column} SET DEFAULT ${expression};`,
            ),
            step(
              'Backfill existing rows in batches, outside a transaction.',
              batchedUpdateSql(table.display, `${column} = ${expression}`, `${column} IS NULL`),
              { outsideTransaction: true, separateMigration: true },
            ),
            ...(notNull
              ? notNullViaCheckSteps(table, def.colname).map((item) => ({ ...item, separateMigration: true }))
              : []),
          ],
        },
      });
    }
    return hits;
  },
};
