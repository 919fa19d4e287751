import { ruleCases } from './run.js';

ruleCases('drop-schema', {
  bad: [
    {
      sql: 'DROP SCHEMA reporting CASCADE;',
      severity: 'error',
      fix: [
        /^ALTER SCHEMA reporting RENAME TO reporting_deprecated;$/,
        { sql: /^DROP SCHEMA reporting_deprecated CASCADE;$/, separateMigration: true },
      ],
    },
    { sql: 'DROP SCHEMA IF EXISTS staging;', severity: 'warning' },
    { sql: 'DROP SCHEMA a, b CASCADE;', count: 2 },
  ],
  good: [
    { sql: 'CREATE SCHEMA reporting;' },
    { sql: 'DROP VIEW reporting.v;' },
    { sql: 'DROP SEQUENCE reporting.seq;' },
  ],
});
