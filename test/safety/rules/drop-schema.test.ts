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
    // The tables the migrations put in the schema are named: their data goes.
    {
      sql: 'DROP SCHEMA reporting CASCADE;',
      options: {
        catalog: {
          history: [
            {
              sql: 'CREATE SCHEMA reporting;\nCREATE TABLE reporting.daily (day date);\nCREATE VIEW reporting.v AS SELECT 1;',
            },
          ],
        },
      },
      severity: 'error',
      message: /with the data of its tables reporting\.daily\.$/,
    },
    // lemmy's runner recreates schema r (views and functions) outside the migrations: no table of theirs is lost.
    {
      sql: 'DROP SCHEMA IF EXISTS r CASCADE;',
      options: { catalog: { history: [{ sql: 'CREATE TABLE person (id int);' }] } },
      severity: 'warning',
      message: /no migration creates a table in it/,
    },
  ],
  good: [
    { sql: 'CREATE SCHEMA reporting;' },
    { sql: 'DROP VIEW reporting.v;' },
    { sql: 'DROP SEQUENCE reporting.seq;' },
  ],
});
