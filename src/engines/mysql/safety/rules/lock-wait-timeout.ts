import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { DdlKind } from '../../../../safety/ddl-model.js';
import { existingTable, fixStep, LOCK_WAIT_TIMEOUT_SQL } from './shared.js';

const DDL_KINDS: DdlKind[] = ['alter-table', 'create-index', 'drop-index', 'drop-table', 'rename-table'];

export const mysqlLockWaitTimeout: DdlRule = {
  meta: {
    id: 'mysql-lock-wait-timeout',
    title: 'DDL without a short lock_wait_timeout',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'Every DDL statement, even an INSTANT one, needs an exclusive metadata lock on the table. Behind one long transaction it waits — up to lock_wait_timeout, 31536000 s (a year) by default on MySQL and 86400 s on MariaDB — and every query on the table queues behind the waiting DDL: the table is down until it gets the lock.',
    safeAlternative:
      'Set a short lock_wait_timeout in the migration session (a few seconds) and retry the migration when it times out.',
    examples: {
      bad: 'ALTER TABLE users ADD COLUMN nickname varchar(50);',
      good: 'SET SESSION lock_wait_timeout = 5;\nALTER TABLE users ADD COLUMN nickname varchar(50);',
    },
  },
  appliesTo: DDL_KINDS,
  check(context) {
    const table = existingTable(context);
    if (!table || context.session.settings.has('lock_wait_timeout')) return [];
    // Once per file: the fix (one SET at the top) covers every later statement.
    if (
      context.earlier.some(
        (before) => DDL_KINDS.includes(before.kind) && before.table && !context.createdHere(before.table),
      )
    )
      return [];
    return [
      {
        message: `No lock_wait_timeout is set before this DDL on ${table} (nor before any later one): behind a long transaction it waits for the metadata lock while every query on ${table} queues behind it.`,
        table,
        fix: {
          summary: 'Bound the metadata lock wait.',
          steps: [
            fixStep('At the top of the migration; retry the migration when it times out.', LOCK_WAIT_TIMEOUT_SQL),
          ],
        },
      },
    ];
  },
};
