import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { AlterAction } from '../../../../safety/ddl-model.js';
import { fixStep, quoteName } from '../../../mysql/safety/rules/shared.js';

/** What SQLite's ALTER TABLE can do in place: RENAME TO, RENAME COLUMN, ADD COLUMN, DROP COLUMN. */
const IN_PLACE: ReadonlySet<AlterAction['type']> = new Set([
  'rename-table',
  'rename-column',
  'add-column',
  'drop-column',
]);
/** Accepted by recent SQLite (3.53 here) but refused by the older versions most systems ship. */
const RECENT = /^(?:ALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET|DROP)\s+NOT\s+NULL|ADD\s+(?:CONSTRAINT\s+\S+\s+)?CHECK\b)/i;

/** The 12 steps of https://sqlite.org/lang_altertable.html#otheralter, for `table`. */
export function rebuildSteps(table: string) {
  const name = quoteName(table);
  const next = quoteName(`${table}_new`);
  return [
    fixStep(
      'Outside any transaction (the pragma is a no-op inside one): turn foreign key enforcement off.',
      'PRAGMA foreign_keys = OFF;',
    ),
    fixStep(
      'In one transaction: create the table as it should be, copy the rows, swap, recreate indexes, triggers and views, verify foreign keys.',
      `BEGIN;\nCREATE TABLE ${next} (<the new definition>);\nINSERT INTO ${next} (<columns>) SELECT <columns> FROM ${name};\nDROP TABLE ${name};\nALTER TABLE ${next} RENAME TO ${name};\n-- recreate the indexes, triggers and views of ${table} (SELECT sql FROM sqlite_schema WHERE tbl_name = '${table}')\nPRAGMA foreign_key_check;\nCOMMIT;`,
    ),
    fixStep('Turn foreign key enforcement back on.', 'PRAGMA foreign_keys = ON;'),
  ];
}

export const sqliteAlterNeedsRebuild: DdlRule = {
  meta: {
    id: 'sqlite-alter-needs-rebuild',
    title: 'ALTER TABLE form SQLite cannot do in place',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['sqlite'],
    locks: [],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: false,
    why: 'SQLite’s ALTER TABLE only renames tables and columns, adds and drops columns (recent versions also add CHECK constraints and change NOT NULL). Anything else — changing a type, a default, a primary or foreign key, a UNIQUE constraint — is a syntax error, and needs the 12-step table rebuild.',
    safeAlternative:
      'Rebuild the table: foreign keys off (outside a transaction), create the new table, copy, drop the old, rename, recreate indexes, triggers and views, PRAGMA foreign_key_check, foreign keys on.',
    examples: {
      bad: 'ALTER TABLE users ALTER COLUMN age TYPE bigint;',
      good: 'PRAGMA foreign_keys = OFF;\nBEGIN;\nCREATE TABLE users_new (id integer PRIMARY KEY, age bigint);\nINSERT INTO users_new (id, age) SELECT id, age FROM users;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;\nPRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON;',
    },
  },
  appliesTo: ['alter-table'],
  check({ statement }) {
    const table = statement.table;
    if (!table) return [];
    const refused = statement.actions.filter((action) => !IN_PLACE.has(action.type));
    if (refused.length === 0) return [];
    const recentOnly = refused.every((action) => RECENT.test(action.text));
    return [
      {
        message: recentOnly
          ? `${refused.map((action) => action.text).join('; ')}: accepted only by recent SQLite (3.53 here); older versions refuse it and need the table rebuild.`
          : `SQLite cannot ${refused.map((action) => action.text).join('; ')} in place (syntax error); ${table} must be rebuilt.`,
        table,
        severity: recentOnly ? 'warning' : 'error',
        fix: { summary: `Rebuild ${table} in the 12 documented steps.`, steps: rebuildSteps(table) },
      },
    ];
  },
};
