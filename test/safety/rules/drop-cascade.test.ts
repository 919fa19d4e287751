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
      message: /also drops the columns of the type, with their data \(orders\.status\)\.$/,
      fix: [/^DROP TYPE order_status;$/],
    },
    { sql: 'DROP DOMAIN positive_int CASCADE;', severity: 'warning', message: /not known here/ },
    { sql: 'DROP EXTENSION citext CASCADE;', severity: 'error' },
    {
      sql: 'DROP VIEW active_users CASCADE;',
      severity: 'warning',
      message: /views built on it; what depends on it is not known here/,
    },
    {
      sql: 'DROP VIEW active_users CASCADE;',
      options: {
        catalog: {
          history: [
            {
              sql: 'CREATE TABLE users (id bigint, active boolean);\nCREATE VIEW active_users AS SELECT id FROM users WHERE active;\nCREATE VIEW active_ids AS SELECT id FROM active_users;',
            },
          ],
        },
      },
      message: /also drops the views built on it \(active_ids\)\.$/,
    },
    {
      sql: 'DROP FUNCTION touch() CASCADE;',
      options: {
        catalog: {
          history: [
            {
              sql: 'CREATE TABLE users (id bigint);\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();',
            },
          ],
        },
      },
      message: /\(triggers on users\)\.$/,
    },
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
    // What the history shows depends on it is nothing: CASCADE takes nothing (lemmy renames an enum, moves its
    // column to a new one, then drops the old type CASCADE).
    {
      sql: 'DROP TYPE order_status CASCADE;',
      options: {
        catalog: { history: [{ sql: "CREATE TYPE order_status AS ENUM ('new');\nCREATE TABLE orders (id bigint);" }] },
      },
    },
    {
      sql: 'DROP VIEW active_users CASCADE;',
      options: {
        catalog: {
          history: [{ sql: 'CREATE TABLE users (id bigint);\nCREATE VIEW active_users AS SELECT id FROM users;' }],
        },
      },
    },
    // Tables and schemas have rules of their own.
    { sql: 'DROP TABLE orders CASCADE;' },
    { sql: 'DROP SCHEMA reporting CASCADE;' },
  ],
});
