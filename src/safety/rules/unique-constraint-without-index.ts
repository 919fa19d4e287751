import { namesOf } from '../names.js';
import type { Rule, RuleHit } from '../types.js';
import {
  addedConstraints,
  alterTableOf,
  columnDefinitionWithout,
  columnList,
  columnTypeText,
  fitName,
  ident,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  severityForSize,
  sizeNote,
  step,
  unqualified,
} from './ast.js';

export const uniqueConstraintWithoutIndex: Rule = {
  meta: {
    id: 'unique-constraint-without-index',
    title: 'UNIQUE constraint that builds its own index',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'ADD UNIQUE builds a unique index while holding ACCESS EXCLUSIVE, so the table is unreadable and unwritable for the whole build, and the statement fails late if duplicates exist.',
    safeAlternative:
      'Build the unique index with CREATE UNIQUE INDEX CONCURRENTLY outside a transaction, then attach it with ADD CONSTRAINT … UNIQUE USING INDEX (a brief lock, no build).',
    examples: {
      bad: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
      good: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n-- next migration\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;',
    },
    peers: {
      squawk: 'disallowed-unique-constraint',
      strong_migrations: 'add_unique_constraint',
      eugene: 'E7',
      atlas: 'PG105',
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
      const { constraints: candidates, column: def } = addedConstraints(cmd);
      for (const constraint of candidates) {
        if (constraint.contype !== 'CONSTR_UNIQUE' || constraint.indexname) continue;
        const columns = def?.colname ? [def.colname] : namesOf(constraint.keys);
        const name = constraint.conname ?? fitName(`${bare}_${columns.join('_')}_key`);
        const before = def?.colname
          ? [
              step(
                'Add the column without the inline UNIQUE.',
                `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ADD COLUMN ${columnDefinitionWithout(context, def.colname, (item) => item.contype === 'CONSTR_UNIQUE') ?? `${ident(def.colname)} ${columnTypeText(context, def.colname) ?? 'text'}`};`,
              ),
            ]
          : [];
        hits.push({
          message: `UNIQUE ${name} on ${table.display}${sizeNote(context, table.key)} builds its index under ACCESS EXCLUSIVE: no reads or writes until it is built.`,
          table: table.display,
          severity: severityForSize(context, table.key),
          fix: {
            summary: 'Build the unique index concurrently, then attach it as the constraint.',
            steps: [
              ...before,
              step(
                'Build the unique index without blocking writes (its own non-transactional migration). It fails if duplicates exist: remove them first.',
                `CREATE UNIQUE INDEX CONCURRENTLY ${ident(name)} ON ${table.display} (${columnList(columns)});`,
                { outsideTransaction: true, separateMigration: true },
              ),
              step(
                'Turn the index into the constraint (brief ACCESS EXCLUSIVE, no build).',
                `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ADD CONSTRAINT ${ident(name)} UNIQUE USING INDEX ${ident(name)};`,
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
