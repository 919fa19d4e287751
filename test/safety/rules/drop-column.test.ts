import { ruleCases } from './run.js';

ruleCases('drop-column', {
  bad: [
    {
      sql: 'ALTER TABLE users DROP COLUMN legacy_id;',
      severity: 'error',
      fix: [
        /^CREATE TABLE users_legacy_id_backup AS SELECT ctid::text AS source_ctid, legacy_id FROM users WHERE legacy_id IS NOT NULL;$/,
        { sql: /ALTER TABLE users DROP COLUMN legacy_id;/, separateMigration: true },
      ],
    },
    {
      sql: 'ALTER TABLE users DROP COLUMN IF EXISTS a, DROP COLUMN b CASCADE;',
      // One statement, one finding: one backup of both columns, one ALTER that drops both (CASCADE kept).
      count: 1,
      fix: [
        /CREATE TABLE users_dropped_columns_backup AS SELECT ctid::text AS source_ctid, a, b FROM users WHERE a IS NOT NULL OR b IS NOT NULL;/,
        { sql: /ALTER TABLE users DROP COLUMN IF EXISTS a, DROP COLUMN b CASCADE;/, separateMigration: true },
      ],
    },
    { sql: 'ALTER TABLE app.users DROP legacy_id;', fix: [/ALTER TABLE app\.users DROP COLUMN legacy_id;/] },
    // The column the known schema has is still dropped with its data, IF EXISTS or not.
    {
      sql: 'ALTER TABLE buckets DROP COLUMN IF EXISTS name;',
      options: { catalog: { history: [{ sql: 'CREATE TABLE buckets (id text PRIMARY KEY, name text NOT NULL);' }] } },
      severity: 'error',
    },
  ],
  good: [
    { sql: 'CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;' },
    { sql: 'ALTER TABLE users ADD COLUMN legacy_id bigint;' },
    { sql: 'ALTER TABLE users ADD COLUMN scratch bigint;\nALTER TABLE users DROP COLUMN scratch;' },
    {
      sql: "SET lock_timeout = '5s';\n-- dma-ignore drop-column unused since release 41\nALTER TABLE users DROP COLUMN legacy_id;",
    },
    // supabase/storage: IF EXISTS of a column the migrations never created drops no data.
    {
      sql: 'ALTER TABLE buckets DROP COLUMN IF EXISTS iceberg_catalog;',
      options: { catalog: { history: [{ sql: 'CREATE TABLE buckets (id text PRIMARY KEY, name text NOT NULL);' }] } },
    },
  ],
});
