import { ruleCases } from './run.js';

ruleCases('truncate-table', {
  bad: [
    { sql: 'TRUNCATE sessions CASCADE;', severity: 'error', fix: [/^SET lock_timeout = '5s';\nTRUNCATE sessions;$/] },
    {
      sql: 'TRUNCATE TABLE sessions;',
      severity: 'warning',
      fix: [
        {
          sql: /DELETE FROM sessions WHERE ctid = ANY \(ARRAY\(SELECT ctid FROM sessions LIMIT 10000\)\);/,
          outsideTransaction: true,
        },
      ],
    },
    { sql: 'TRUNCATE a, app.b RESTART IDENTITY CASCADE;', fix: [/TRUNCATE a, app\.b;/] },
  ],
  good: [
    { sql: 'CREATE TABLE staging (id int);\nTRUNCATE staging;' },
    { sql: 'DELETE FROM sessions WHERE expires_at < now();' },
    { sql: 'BEGIN;\nCREATE TABLE s (id int);\nTRUNCATE s CASCADE;\nCOMMIT;' },
  ],
});
