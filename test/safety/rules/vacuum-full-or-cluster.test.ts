import { ruleCases } from './run.js';

ruleCases('vacuum-full-or-cluster', {
  bad: [
    {
      sql: 'VACUUM FULL orders;',
      fix: [
        /CREATE EXTENSION IF NOT EXISTS pg_repack;/,
        { sql: /^VACUUM \(ANALYZE\) orders;$/, outsideTransaction: true },
      ],
    },
    {
      sql: 'CLUSTER orders USING orders_created_at_idx;',
      options: { pgVersion: 19 },
      fixNewerThanParser: true,
      fix: [/^REPACK \(CONCURRENTLY\) orders USING INDEX orders_created_at_idx;$/],
    },
    { sql: 'VACUUM (FULL, ANALYZE) app.orders, app.items;' },
    { sql: 'VACUUM FULL;' },
    { sql: 'VACUUM FULL big;', options: { rowCounts: { big: 2_000_000 } }, severity: 'error' },
  ],
  good: [
    { sql: 'VACUUM orders;' },
    { sql: 'VACUUM (ANALYZE, VERBOSE) orders;' },
    { sql: 'CREATE TABLE t (id int);\nCLUSTER t USING t_pkey;' },
    { sql: 'ANALYZE orders;' },
  ],
});
