import type { Rule } from '../types.js';
import { blockingLockTables, LOCKING_STATEMENTS, step } from './ast.js';

export const requireStatementTimeout: Rule = {
  meta: {
    id: 'require-statement-timeout',
    title: 'Lock-taking DDL without statement_timeout',
    category: 'careful',
    defaultSeverity: 'info',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'Without statement_timeout a scan or rewrite that takes far longer than expected keeps its lock until someone notices and cancels it by hand.',
    safeAlternative:
      "Set statement_timeout for the migration session (long enough for the expected work, e.g. '15min').",
    examples: {
      bad: 'ALTER TABLE users ADD COLUMN nickname text;',
      good: "SET statement_timeout = '15min';\nALTER TABLE users ADD COLUMN nickname text;",
    },
    peers: { squawk: 'require-statement-timeout', strong_migrations: 'statement_timeout' },
  },
  appliesTo: LOCKING_STATEMENTS,
  check(context) {
    if (context.statementTimeoutSet) return [];
    const tables = blockingLockTables(context);
    if (tables.length === 0) return [];
    return [
      {
        message: `No statement_timeout is set: if this statement runs long, its lock on ${tables.map((table) => table.display).join(', ')} is held until someone cancels it.`,
        table: tables[0]?.display,
        fix: {
          summary: 'Set statement_timeout at the start of the migration.',
          steps: [step('Cap how long any statement of the migration may run.', "SET statement_timeout = '15min';")],
        },
      },
    ];
  },
};
