import type { Constraint } from 'libpg-query';
import { validatesAddedColumnKeys } from '../added-column-checks.js';
import { namesOf } from '../names.js';
import type { FixStep, Rule, RuleContext, RuleHit } from '../types.js';
import {
  alterTableOf,
  columnConstraints,
  columnDefinitionWithout,
  columnDefOf,
  columnList,
  columnTypeText,
  constraintOf,
  fitName,
  ident,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  relationOf,
  severityForSize,
  sizeNote,
  step,
  unqualified,
} from './ast.js';

function referencesSql(constraint: Constraint): string {
  const target = relationOf(constraint.pktable);
  const columns = namesOf(constraint.pk_attrs);
  const actions: string[] = [];
  const action: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
  if (constraint.fk_del_action && action[constraint.fk_del_action])
    actions.push(`ON DELETE ${action[constraint.fk_del_action]}`);
  if (constraint.fk_upd_action && action[constraint.fk_upd_action])
    actions.push(`ON UPDATE ${action[constraint.fk_upd_action]}`);
  return `REFERENCES ${target?.display ?? '?'}${columns.length > 0 ? ` (${columnList(columns)})` : ''}${actions.length > 0 ? ` ${actions.join(' ')}` : ''}`;
}

export const foreignKeyNotValid: Rule = {
  meta: {
    id: 'foreign-key-not-valid',
    title: 'Foreign key added without NOT VALID',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [
      { mode: 'SHARE ROW EXCLUSIVE', on: 'table', blocks: 'writes' },
      { mode: 'SHARE ROW EXCLUSIVE', on: 'referenced table', blocks: 'writes' },
    ],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'Adding a validated foreign key checks every existing row while holding SHARE ROW EXCLUSIVE on both tables, so writes to the table and to the table it references stop for the whole scan.',
    safeAlternative:
      'Add the constraint NOT VALID (new rows are checked at once, no scan), then VALIDATE CONSTRAINT in a later migration: validation takes only SHARE UPDATE EXCLUSIVE and lets reads and writes through.',
    examples: {
      bad: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
      good: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n-- next migration\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;',
    },
    peers: {
      squawk: 'adding-foreign-key-constraint',
      strong_migrations: 'add_foreign_key',
      eugene: 'E1',
      atlas: 'PG306',
    },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const bare = unqualified(table.key);
    const hits: RuleHit[] = [];
    // A key on a column added without a default is marked valid unchecked: the column is NULL in every row.
    const addedKeysValidated = validatesAddedColumnKeys(altered.cmds);
    for (const cmd of altered.cmds) {
      const constraint = constraintOf(cmd);
      if (
        cmd.subtype === 'AT_AddConstraint' &&
        constraint?.contype === 'CONSTR_FOREIGN' &&
        !constraint.skip_validation
      ) {
        const columns = namesOf(constraint.fk_attrs);
        const name = constraint.conname ?? fitName(`${bare}_${columns.join('_')}_fkey`);
        hits.push(hit(context, table, name, columns, constraint, []));
      }
      const def = cmd.subtype === 'AT_AddColumn' ? columnDefOf(cmd) : undefined;
      const reference = def ? columnConstraints(def).find((item) => item.contype === 'CONSTR_FOREIGN') : undefined;
      if (def?.colname && reference && addedKeysValidated) {
        const name = reference.conname ?? fitName(`${bare}_${def.colname}_fkey`);
        const definition =
          columnDefinitionWithout(context, def.colname, (constraint) => constraint.contype === 'CONSTR_FOREIGN') ??
          `${ident(def.colname)} ${columnTypeText(context, def.colname) ?? 'bigint'}`;
        const addColumn = step(
          'Add the column without the inline REFERENCES (a column without a volatile default is a metadata-only change).',
          `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ADD COLUMN ${definition};`,
        );
        hits.push(hit(context, table, name, [def.colname], reference, [addColumn]));
      }
    }
    return hits;

    function hit(
      ctx: typeof context,
      on: typeof table,
      name: string,
      columns: string[],
      constraint: Constraint,
      before: FixStep[],
    ): RuleHit {
      const target = relationOf(constraint.pktable);
      const other = target && target.key !== on.key ? target.display : undefined;
      const blocked = blockedTraffic(
        { display: on.display, reads: readsBlocked(ctx, on.key) },
        target && other ? { display: other, reads: readsBlocked(ctx, target.key) } : undefined,
      );
      return {
        message: `Foreign key ${name} on ${on.display}${sizeNote(ctx, on.key)} is validated at once: ${blocked} blocked while every row is checked.`,
        table: on.display,
        severity: severityForSize(ctx, on.key),
        fix: {
          summary: 'Add the foreign key NOT VALID, validate it in a later migration.',
          steps: [
            ...before,
            step(
              'Add the constraint without checking existing rows (brief SHARE ROW EXCLUSIVE on both tables, no scan).',
              `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${on.display} ADD CONSTRAINT ${ident(name)} FOREIGN KEY (${columnList(columns)}) ${referencesSql(constraint)} NOT VALID;`,
            ),
            step(
              'Validate existing rows in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes continue).',
              `ALTER TABLE ${on.display} VALIDATE CONSTRAINT ${ident(name)};`,
              { separateMigration: true },
            ),
          ],
        },
      };
    }
  },
};

/** "reads and writes of a and writes to b are": each table's traffic the check blocks. */
function blockedTraffic(
  on: { display: string; reads: boolean },
  other: { display: string; reads: boolean } | undefined,
): string {
  if (!other) return on.reads ? `reads and writes of ${on.display} are` : `writes to ${on.display} are`;
  if (on.reads && other.reads) return `reads and writes of ${on.display} and ${other.display} are`;
  if (on.reads) return `reads and writes of ${on.display} and writes to ${other.display} are`;
  if (other.reads) return `writes to ${on.display} and reads and writes of ${other.display} are`;
  return `writes to ${on.display} and ${other.display} are`;
}

/** The check runs under ACCESS EXCLUSIVE on the table: taken by this ALTER (ADD COLUMN) or earlier in the transaction. */
function readsBlocked(context: RuleContext, table: string): boolean {
  if (context.inTransaction && context.accessExclusiveHeld.has(table)) return true;
  return context.statementLocks.some((lock) => lock.table === table && lock.mode === 'ACCESS EXCLUSIVE');
}
