import { guaranteeRestored, isKeyGuarantee } from '../dropped-constraints.js';
import { displayTable } from '../names.js';
import type { ConstraintInfo, MigrationEndHit, Rule, RuleContext, RuleHit } from '../types.js';
import { alterTableOf, isExistingTable, keySql, LOCK_TIMEOUT_SQL, type Relation, step } from './ast.js';

export const dropConstraint: Rule = {
  meta: {
    id: 'drop-constraint',
    title: 'DROP CONSTRAINT (foreign key, unique, check)',
    category: 'dangerous',
    defaultSeverity: 'info',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'Dropping a constraint removes a guarantee the data had (referential integrity, uniqueness, a valid range); rows written afterwards may violate it, and putting it back means validating everything again.',
    safeAlternative:
      'Make sure no code relies on the guarantee; drop it with a short lock_timeout (dropping a foreign key locks the referenced table too).',
    examples: {
      bad: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;',
      good: "SET lock_timeout = '5s';\n-- dma-ignore drop-constraint the relation is now enforced by the billing service\nALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;",
    },
    peers: { atlas: 'CD101' },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      if (cmd.subtype !== 'AT_DropConstraint' || !cmd.name) continue;
      const known = context.catalog.constraint(table.key, cmd.name);
      // A key or foreign key is decided at the end of the migration, which may put the same guarantee back.
      if (isKeyGuarantee(known?.kind)) continue;
      // The CHECK (col IS NOT NULL) of the online SET NOT NULL recipe: once the column is NOT NULL it guards nothing.
      const column = known?.notNullColumn;
      if (
        column &&
        (notNullNow(context, table.key, column) || altered.cmds.some((other) => setsNotNull(other, column)))
      )
        continue;
      hits.push(droppedHit(cmd.name, table, known, context.statement.sql));
    }
    return hits;
  },
  finish(context) {
    const hits: MigrationEndHit[] = [];
    for (const dropped of context.droppedKeys) {
      if (guaranteeRestored(context.catalog, dropped)) continue;
      const table = { key: dropped.table, display: keySql(dropped.table) };
      hits.push({
        at: dropped.at,
        ...droppedHit(dropped.constraint.name, table, dropped.constraint, dropped.at.sql),
      });
    }
    return hits;
  },
};

function notNullNow(context: RuleContext, table: string, column: string): boolean {
  return context.catalog.columnNotNull(table, column) === true;
}

function setsNotNull(cmd: { subtype?: string; name?: string }, column: string): boolean {
  return cmd.subtype === 'AT_SetNotNull' && cmd.name === column;
}

const KIND_NAMES: Record<ConstraintInfo['kind'], string> = {
  'foreign-key': 'foreign key',
  unique: 'unique constraint',
  'primary-key': 'primary key',
  check: 'CHECK constraint',
  exclusion: 'exclusion constraint',
  'not-null': 'NOT NULL constraint',
};

function droppedHit(name: string, table: Relation, known: ConstraintInfo | undefined, sql: string): RuleHit {
  return {
    message: `Dropping ${known ? KIND_NAMES[known.kind] : 'constraint'} ${name} on ${table.display} removes a guarantee on its data${lockNote(known, table.key)}.`,
    table: table.display,
    ...(isKeyGuarantee(known?.kind) ? { severity: 'warning' as const } : {}),
    fix: {
      summary: 'Drop it deliberately, with a bounded lock wait.',
      steps: [
        step(
          'Drop the constraint once nothing relies on it, failing fast if the table is busy.',
          `${LOCK_TIMEOUT_SQL}\n${sql.trim()};`,
        ),
      ],
    },
  };
}

/** The other table a dropped foreign key locks ACCESS EXCLUSIVE, or that it is not known whether there is one. */
function lockNote(known: ConstraintInfo | undefined, table: string): string {
  if (!known) return ' (unknown whether it is a foreign key, which would lock the table it references too)';
  // A self-referencing key (refresh_tokens.parent → refresh_tokens.token) locks no other table.
  return known.kind === 'foreign-key' && known.references && known.references.table !== table
    ? ` (and locks ${displayTable(known.references.table)} ACCESS EXCLUSIVE too)`
    : '';
}
