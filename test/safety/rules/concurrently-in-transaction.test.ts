import { ruleCases } from './run.js';

ruleCases('concurrently-in-transaction', {
  bad: [
    {
      sql: 'BEGIN;\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\nCOMMIT;',
      severity: 'error',
      fix: [
        {
          sql: /^CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders \(user_id\);$/,
          outsideTransaction: true,
          separateMigration: true,
        },
      ],
    },
    { sql: 'DROP INDEX CONCURRENTLY orders_status_idx;', options: { assumeInTransaction: true } },
    { sql: 'BEGIN;\nREINDEX INDEX CONCURRENTLY orders_pkey;\nCOMMIT;' },
    {
      sql: 'START TRANSACTION;\nALTER TABLE m DETACH PARTITION m_2020 CONCURRENTLY;\nCOMMIT;',
      fix: [/DETACH PARTITION m_2020 CONCURRENTLY/],
    },
  ],
  good: [
    { sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);' },
    { sql: 'BEGIN;\nCREATE INDEX orders_user_id_idx ON orders (user_id);\nCOMMIT;' },
    { sql: 'BEGIN;\nCOMMIT;\nDROP INDEX CONCURRENTLY orders_status_idx;' },
    { sql: 'REINDEX TABLE CONCURRENTLY orders;', options: { assumeInTransaction: false } },
  ],
});
