import type { Rule, RuleHit } from '../types.js';
import {
  alterTableOf,
  batchedUpdateSql,
  columnConstraints,
  columnDefOf,
  columnTypeText,
  computedColumnTriggerSql,
  defaultExpressionText,
  fitName,
  ident,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  severityForSize,
  sizeNote,
  step,
  typeText,
  unqualified,
} from './ast.js';

export const addColumnGeneratedStored: Rule = {
  meta: {
    id: 'add-column-generated-stored',
    title: 'STORED generated column added to an existing table',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: false,
    why: 'A STORED generated column is computed for every existing row, so PostgreSQL rewrites the whole table and its indexes under ACCESS EXCLUSIVE.',
    safeAlternative:
      'Add a plain column, fill it for new rows with a trigger, backfill old rows in batches (or compute the value in a view or the query).',
    examples: {
      bad: 'ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (total * 100) STORED;',
      good: 'ALTER TABLE orders ADD COLUMN total_cents bigint;\n-- trigger keeps it in sync, batched backfill fills old rows',
    },
    peers: {
      squawk: 'adding-field-with-default',
      strong_migrations: 'add_column_generated_stored',
      eugene: 'E11',
    },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const bare = unqualified(table.key);
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      const def = cmd.subtype === 'AT_AddColumn' ? columnDefOf(cmd) : undefined;
      if (!def?.colname) continue;
      const generated = columnConstraints(def).find((item) => item.contype === 'CONSTR_GENERATED');
      // generated_kind 'v' is a VIRTUAL column (PostgreSQL 18): no rewrite.
      if (!generated || generated.generated_kind === 'v') continue;
      const column = ident(def.colname);
      const expression = defaultExpressionText(context, def.colname) ?? 'NULL';
      const type = (columnTypeText(context, def.colname) ?? typeText(def.typeName)).trim();
      const fn = ident(fitName(`${bare}_${def.colname}_sync`));
      hits.push({
        message: `STORED generated column ${table.display}.${def.colname} rewrites ${table.display}${sizeNote(context, table.key)} under ACCESS EXCLUSIVE.`,
        table: table.display,
        severity: severityForSize(context, table.key),
        fix: {
          summary: 'Plain column + trigger for new rows + batched backfill for old rows.',
          steps: [
            step(
              'Add a plain column (metadata-only).',
              `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ADD COLUMN ${column} ${type};`,
            ),
            step(
              'Compute it for every new or changed row with a trigger.',
              computedColumnTriggerSql(fn, table.display, column, expression),
            ),
            step(
              'Backfill existing rows in batches, outside a transaction.',
              batchedUpdateSql(
                table.display,
                `${column} = ${expression}`,
                `${column} IS DISTINCT FROM (${expression})`,
              ),
              { outsideTransaction: true, separateMigration: true },
            ),
          ],
        },
      });
    }
    return hits;
  },
};
