import type { MigrationEndHit, Rule, RuleHit } from '../types.js';
import { ident, LOCK_TIMEOUT_SQL, step } from './ast.js';

export const renameTable: Rule = {
  meta: {
    id: 'rename-table',
    title: 'RENAME TABLE',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'Every running instance of the previous release still queries the old table name and fails as soon as the rename commits.',
    safeAlternative:
      'Rename and, in the same transaction, create a view with the old name (a simple view stays insertable and updatable); drop the view once no code uses the old name.',
    examples: {
      bad: 'ALTER TABLE customers RENAME TO clients;',
      good: 'BEGIN;\nALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT * FROM clients;\nCOMMIT;',
    },
    peers: { squawk: 'renaming-table', strong_migrations: 'rename_table', atlas: 'BC101' },
  },
  appliesTo: ['RenameStmt'],
  // Decided at the end of the migration: a view the same transaction creates under the old name keeps old code working.
  check: () => [],
  finish(context) {
    const hits: MigrationEndHit[] = [];
    for (const { display, newName, keptBy, at } of context.renamedTables) {
      if (keptBy === 'all') continue;
      const schema = display.includes('.') ? `${display.split('.')[0]}.` : '';
      const renamed = `${schema}${ident(newName)}`;
      hits.push({
        at,
        ...(keptBy === 'known' ? partlyKeptHit(display, renamed) : brokenHit(display, newName, renamed)),
      });
    }
    return hits;
  },
};

function brokenHit(display: string, newName: string, renamed: string): RuleHit {
  return {
    message: `Renaming ${display} to ${newName} breaks every running instance that still uses the old name.`,
    table: display,
    fix: {
      summary: 'Rename behind a compatibility view, drop the view after the code moved.',
      steps: [
        step(
          'Rename and leave a view under the old name in one transaction, so old code keeps working.',
          `BEGIN;\n${LOCK_TIMEOUT_SQL}\nALTER TABLE ${display} RENAME TO ${ident(newName)};\nCREATE VIEW ${display} AS SELECT * FROM ${renamed};\nCOMMIT;`,
        ),
        step('After every instance uses the new name, drop the view.', `DROP VIEW ${display};`, {
          separateMigration: true,
        }),
      ],
    },
  };
}

/** A view keeps the old name for every column known, but SQL not read (built at run time) may have added more. */
function partlyKeptHit(display: string, renamed: string): RuleHit {
  const literal = (name: string) => `'${name.replaceAll("'", "''")}'`;
  return {
    severity: 'warning',
    message: `${display} is renamed to ${renamed} behind a view ${display} that passes every column known here through; the schema read is incomplete (SQL built at run time), and old code using a column the view leaves out breaks.`,
    table: display,
    fix: {
      summary: 'Check that the view shows every column of the renamed table.',
      steps: [
        step(
          `The columns of ${renamed} the view ${display} leaves out (none: old code keeps working).`,
          `SELECT attname FROM pg_attribute WHERE attrelid = ${literal(renamed)}::regclass AND attnum > 0 AND NOT attisdropped\nEXCEPT\nSELECT attname FROM pg_attribute WHERE attrelid = ${literal(display)}::regclass;`,
        ),
      ],
    },
  };
}
