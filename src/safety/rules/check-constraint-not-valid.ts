import type { Rule, RuleHit } from '../types.js';
import {
  addedConstraints,
  alterTableOf,
  balancedAfter,
  columnDefinitionWithout,
  columnTypeText,
  fitName,
  ident,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  localAst,
  severityForSize,
  sizeNote,
  step,
  unqualified,
  walk,
} from './ast.js';

/** The CHECK expressions of the statement as written, in order (from the statement re-parsed alone). */
function checkTexts(sql: string, local: ReturnType<typeof localAst>): string[] {
  const texts: string[] = [];
  walk(local, (key, value) => {
    if (key !== 'Constraint' || value === null || typeof value !== 'object') return;
    const constraint = value as { contype?: string; location?: number };
    if (constraint.contype !== 'CONSTR_CHECK') return;
    texts.push(balancedAfter(sql, constraint.location) ?? '');
  });
  return texts;
}

export const checkConstraintNotValid: Rule = {
  meta: {
    id: 'check-constraint-not-valid',
    title: 'CHECK constraint added without NOT VALID',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'Adding a validated CHECK scans every row while holding ACCESS EXCLUSIVE, so nothing can read or write the table until the scan ends.',
    safeAlternative:
      'Add the CHECK with NOT VALID (enforced for new rows immediately, no scan), then VALIDATE CONSTRAINT in a later migration under SHARE UPDATE EXCLUSIVE.',
    examples: {
      bad: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);',
      good: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\n-- next migration\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;',
    },
    peers: {
      squawk: 'constraint-missing-not-valid',
      strong_migrations: 'add_check_constraint',
      eugene: 'E1',
      atlas: 'PG305',
    },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const bare = unqualified(table.key);
    // Read the CHECK texts only when a fix needs them: most ADD CONSTRAINT … CHECK statements are NOT VALID already.
    let texts: string[] | undefined;
    let checkIndex = -1;
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      const { constraints: candidates, column: def } = addedConstraints(cmd);
      for (const constraint of candidates) {
        if (constraint.contype !== 'CONSTR_CHECK') continue;
        checkIndex++;
        if (constraint.skip_validation) continue;
        const name = constraint.conname ?? fitName(`${bare}_${def?.colname ?? 'check'}_check`);
        texts ??= checkTexts(context.statement.sql, localAst(context));
        const expression = texts[checkIndex] ?? '';
        const before = def?.colname
          ? [
              step(
                'Add the column without the inline CHECK.',
                `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ADD COLUMN ${columnDefinitionWithout(context, def.colname, (item) => item.contype === 'CONSTR_CHECK') ?? `${ident(def.colname)} ${columnTypeText(context, def.colname) ?? 'text'}`};`,
              ),
            ]
          : [];
        hits.push({
          message: `CHECK ${name} on ${table.display}${sizeNote(context, table.key)} scans every row while holding ACCESS EXCLUSIVE.`,
          table: table.display,
          severity: severityForSize(context, table.key),
          fix: {
            summary: 'Add the CHECK NOT VALID, validate it in a later migration.',
            steps: [
              ...before,
              step(
                'Add the constraint for new rows only (brief ACCESS EXCLUSIVE, no scan).',
                `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ADD CONSTRAINT ${ident(name)} CHECK (${expression}) NOT VALID;`,
              ),
              step(
                'Validate existing rows in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes continue).',
                `ALTER TABLE ${table.display} VALIDATE CONSTRAINT ${ident(name)};`,
                { separateMigration: true },
              ),
            ],
          },
        });
      }
    }
    return hits;
  },
};
