import type { Rule } from '../types.js';
import { blockingLockTables, LOCK_TIMEOUT_SQL, LOCKING_STATEMENTS, step } from './ast.js';
import { coveredStatements, coveredTables, distinctStatements } from './per-transaction.js';

export const requireLockTimeout: Rule = {
  meta: {
    id: 'require-lock-timeout',
    title: 'Lock-taking DDL without lock_timeout',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'A DDL statement that waits for its lock behind one long query makes every later query on the table queue behind it, so a millisecond ALTER can stall the application for minutes; lock_timeout makes it give up instead.',
    safeAlternative: "Start the migration with SET lock_timeout (e.g. '5s') and retry the migration when it times out.",
    examples: {
      bad: 'ALTER TABLE users ADD COLUMN nickname text;',
      good: "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;",
    },
    peers: { squawk: 'require-lock-timeout', strong_migrations: 'lock_timeout', eugene: 'E9' },
  },
  appliesTo: LOCKING_STATEMENTS,
  check(context) {
    if (context.lockTimeoutSet) return [];
    const tables = blockingLockTables(context);
    if (tables.length === 0) return [];
    const names = tables.map((table) => table.display).join(', ');
    // One hit per table, so the merged finding names every table and what queues on each.
    return tables.map((table) => ({
      message: `No lock_timeout is set: this statement waits for its lock on ${names}.`,
      table: table.display,
      queued: table.queued,
    }));
  },
  mergePerTransaction(covered) {
    const tables = coveredTables(covered);
    const single = distinctStatements(covered).length === 1;
    const who = single ? 'it waits' : 'each waits';
    // Reads pass a waiting SHARE or SHARE ROW EXCLUSIVE lock (a plain CREATE INDEX, a new foreign key); writes do not.
    const readsToo = covered.filter((statement) => statement.queued !== 'writes');
    const readTables = new Set(readsToo.map((statement) => statement.table));
    const writesOnly = covered.filter((statement) => !readTables.has(statement.table));
    const traffic = readsToo.length > 0 ? 'every query' : 'every write';
    const mixed =
      readsToo.length > 0 && writesOnly.length > 0
        ? ` (reads too on ${coveredTables(readsToo)}; on ${coveredTables(writesOnly)}, writes only)`
        : '';
    const message = tables.includes(' and ')
      ? `if one of ${single ? 'its' : 'their'} tables (${tables}) is busy, the statement waits for its lock and ${mixed ? 'every write' : traffic} on that table queues behind it${mixed}.`
      : `if ${tables} is busy, ${who} for its lock and ${traffic} on ${tables} queues behind it.`;
    return {
      message: `No lock_timeout is set for ${coveredStatements(covered)}: ${message}`,
      table: covered[0]?.table,
      fix: {
        summary: 'Set lock_timeout once, at the start of the migration; retry it when it times out.',
        steps: [
          step(
            'Fail fast instead of queueing traffic: at the start of the migration (SET LOCAL at the start of its transaction).',
            LOCK_TIMEOUT_SQL,
          ),
        ],
      },
    };
  },
};
