import { ruleCases } from './run.js';

ruleCases('detach-partition-concurrently', {
  bad: [
    {
      sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2023;',
      fix: [
        {
          sql: /^ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;$/,
          outsideTransaction: true,
          separateMigration: true,
        },
      ],
    },
    {
      sql: 'ALTER TABLE app.m DETACH PARTITION app.m_old;',
      fix: [/ALTER TABLE app\.m DETACH PARTITION app\.m_old CONCURRENTLY;/],
    },
    {
      sql: 'ALTER TABLE m DETACH PARTITION m_old;',
      options: { pgVersion: 13 },
      fix: [/^SET lock_timeout = '5s';\nALTER TABLE m DETACH PARTITION m_old;$/],
    },
  ],
  good: [
    { sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;' },
    { sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2023 FINALIZE;' },
    { sql: 'CREATE TABLE m (d date) PARTITION BY RANGE (d);\nALTER TABLE m DETACH PARTITION m_old;' },
  ],
});
