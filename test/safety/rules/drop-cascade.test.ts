import { ruleCases } from './run.js';

const ENUM_HISTORY = {
  catalog: {
    history: [
      {
        sql: "CREATE TYPE order_status AS ENUM ('new', 'paid');\nCREATE TABLE orders (id bigint, status order_status);",
      },
    ],
  },
};

ruleCases('drop-cascade', {
  bad: [
    {
      sql: 'DROP TYPE order_status CASCADE;',
      options: ENUM_HISTORY,
      severity: 'error',
      message: /also drops every column of the type, with its data \(here: orders\.status\)/,
      fix: [/^DROP TYPE order_status;$/],
    },
    { sql: 'DROP DOMAIN positive_int CASCADE;', severity: 'error' },
    { sql: 'DROP EXTENSION citext CASCADE;', severity: 'error' },
    { sql: 'DROP VIEW active_users CASCADE;', severity: 'warning', message: /every view built on it/ },
    { sql: 'DROP MATERIALIZED VIEW IF EXISTS daily_totals CASCADE;', severity: 'warning' },
    {
      sql: 'DROP FUNCTION touch_updated_at() CASCADE;',
      severity: 'warning',
      message: /FUNCTION touch_updated_at CASCADE/,
    },
    { sql: 'DROP SEQUENCE order_seq CASCADE;', severity: 'warning' },
    { sql: 'DROP VIEW a, b CASCADE;', count: 2 },
  ],
  good: [
    { sql: 'DROP TYPE order_status;' },
    { sql: 'DROP VIEW active_users;' },
    { sql: 'DROP FUNCTION IF EXISTS touch_updated_at() RESTRICT;' },
    // Tables and schemas have rules of their own.
    { sql: 'DROP TABLE orders CASCADE;' },
    { sql: 'DROP SCHEMA reporting CASCADE;' },
  ],
});
