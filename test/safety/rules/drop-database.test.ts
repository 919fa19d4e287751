import { ruleCases } from './run.js';

ruleCases('drop-database', {
  bad: [
    {
      sql: 'DROP DATABASE analytics;',
      severity: 'error',
      fix: [{ sql: /^ALTER DATABASE analytics RENAME TO analytics_deprecated;$/, outsideTransaction: true }],
    },
    { sql: 'DROP DATABASE IF EXISTS analytics;' },
    { sql: 'DROP DATABASE analytics WITH (FORCE);' },
  ],
  good: [
    { sql: 'CREATE DATABASE analytics;' },
    { sql: "ALTER DATABASE analytics SET timezone = 'UTC';" },
    { sql: 'DROP ROLE IF EXISTS analytics;' },
  ],
});
