import type { Rule } from '../types.js';
import { blockingLockTables, LOCKING_STATEMENTS, step } from './ast.js';
import { coveredStatements, coveredTables, distinctStatements } from './per-transaction.js';

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
    // With lock_timeout bounding the wait, a statement that neither scans nor rewrites holds its lock an instant.
    if (context.lockTimeoutSet && !context.statementLocks.some((lock) => lock.scan || lock.rewrite)) return [];
    const tables = blockingLockTables(context);
    if (tables.length === 0) return [];
    const names = tables.map((table) => table.display).join(', ');
    return tables.map((table) => ({
      message: `No statement_timeout is set: this statement's lock on ${names} has no time limit.`,
      table: table.display,
    }));
  },
  mergePerTransaction(covered) {
    return {
      message: `No statement_timeout is set for ${coveredStatements(covered)}: if ${distinctStatements(covered).length === 1 ? 'it' : 'one'} runs long, its lock on ${coveredTables(covered, 'or')} is held until someone cancels it.`,
      table: covered[0]?.table,
      fix: {
        summary: 'Set statement_timeout once, at the start of the migration.',
        steps: [
          step(
            'Cap how long any statement may run: at the start of the migration (SET LOCAL at the start of its transaction).',
            "SET statement_timeout = '15min';",
          ),
        ],
      },
    };
  },
};
