import { ruleCases } from './run.js';

ruleCases('require-concurrent-reindex', {
  bad: [
    // Its ACCESS EXCLUSIVE on each index stops queries at planning, a sequential scan too (PostgreSQL 15).
    {
      sql: 'REINDEX TABLE orders;',
      message: /^REINDEX blocks reads and writes of orders for the whole rebuild/,
      fix: [{ sql: /^REINDEX TABLE CONCURRENTLY orders;$/, outsideTransaction: true }],
    },
    { sql: 'REINDEX INDEX orders_pkey;', fix: [/^REINDEX INDEX CONCURRENTLY orders_pkey;$/] },
    { sql: 'REINDEX (VERBOSE) SCHEMA app;', fix: [/^REINDEX \(VERBOSE\) SCHEMA CONCURRENTLY app;$/] },
    { sql: 'REINDEX TABLE orders;', options: { pgVersion: 11 }, fix: [/REINDEX TABLE orders/] },
  ],
  good: [
    { sql: 'REINDEX TABLE CONCURRENTLY orders;' },
    { sql: 'REINDEX (CONCURRENTLY) INDEX orders_pkey;' },
    { sql: 'REINDEX SYSTEM;' },
    { sql: 'VACUUM orders;' },
  ],
});
