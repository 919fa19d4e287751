import { ruleCases } from './run.js';

ruleCases('require-concurrent-reindex', {
  bad: [
    { sql: 'REINDEX TABLE orders;', fix: [{ sql: /^REINDEX TABLE CONCURRENTLY orders;$/, outsideTransaction: true }] },
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
