import { existing, ruleCases } from './run.js';

const known = existing({ audit_log: [['id', 'int8', true]] });

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
    { sql: 'DROP TABLE IF EXISTS audit_log, hot_topics;', options: known, count: 1, message: /^Dropping audit_log/ },
  ],
  good: [
    { sql: 'CREATE TABLE tmp (id int);\nDROP TABLE tmp;' },
    // Rails' create_table force: true before the table ever existed: PostgreSQL skips it, and locks nothing.
    { sql: 'DROP TABLE IF EXISTS hot_topics;', options: known },
    { sql: 'DROP VIEW audit_view;' },
    { sql: 'DROP INDEX CONCURRENTLY audit_log_idx;' },
  ],
});
