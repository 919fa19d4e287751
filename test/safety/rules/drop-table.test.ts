import { ruleCases } from './run.js';

ruleCases('drop-table', {
  bad: [
    {
      sql: 'DROP TABLE audit_log;',
      severity: 'error',
      fix: [
        /ALTER TABLE audit_log RENAME TO audit_log_deprecated;/,
        { sql: /DROP TABLE audit_log_deprecated;/, separateMigration: true },
      ],
    },
    { sql: 'DROP TABLE IF EXISTS app.audit_log CASCADE;', fix: [/DROP TABLE app\.audit_log_deprecated;/] },
    { sql: 'DROP TABLE a, b;', count: 2 },
  ],
  good: [
    { sql: 'CREATE TABLE tmp (id int);\nDROP TABLE tmp;' },
    { sql: 'DROP VIEW audit_view;' },
    { sql: 'DROP INDEX CONCURRENTLY audit_log_idx;' },
  ],
});
