import { ruleCases } from './run.js';

ruleCases('table-storage-rewrite', {
  bad: [
    { sql: 'ALTER TABLE events SET LOGGED;', fix: [/^SET lock_timeout = '5s';\nALTER TABLE events SET LOGGED;$/] },
    { sql: 'ALTER TABLE events SET UNLOGGED;', message: /emptied after a crash and not replicated/ },
    {
      sql: 'ALTER TABLE events SET TABLESPACE archive;',
      message: /^SET TABLESPACE archive copies events under ACCESS EXCLUSIVE/,
    },
    { sql: 'ALTER TABLE events SET ACCESS METHOD heap;', message: /SET ACCESS METHOD heap rewrites events/ },
    { sql: 'ALTER TABLE events SET LOGGED;', options: { rowCounts: { events: 3_000_000 } }, severity: 'error' },
  ],
  good: [
    { sql: 'CREATE UNLOGGED TABLE staging (id bigint);\nALTER TABLE staging SET LOGGED;' },
    { sql: 'ALTER TABLE events SET (fillfactor = 70);' },
    // A partitioned table has no storage: only what new partitions get changes.
    {
      sql: 'ALTER TABLE m SET TABLESPACE archive;',
      options: { catalog: { history: [{ sql: 'CREATE TABLE m (day date) PARTITION BY RANGE (day);' }] } },
    },
  ],
});
