import { existing, ruleCases } from './run.js';

const prompts = existing({
  prompts: [
    ['id', 'int8', true],
    ['prompt', 'text'],
  ],
});
const copied = 'ALTER TABLE prompts ADD COLUMN prompt_json jsonb;\nUPDATE prompts SET prompt_json = to_jsonb(prompt);';

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
    // Copied into a new column that does not take the old name: the values live on, old code breaks.
    {
      sql: `${copied}\nALTER TABLE prompts DROP COLUMN prompt;`,
      options: prompts,
      message: /^Dropping prompts\.prompt breaks code that still uses it \(its values were copied/,
    },
    // Not a copy of every row, or no copy at all: the values are gone.
    {
      sql: 'ALTER TABLE prompts ADD COLUMN p2 jsonb;\nUPDATE prompts SET p2 = to_jsonb(prompt) WHERE id > 5;\nALTER TABLE prompts DROP COLUMN prompt;\nALTER TABLE prompts RENAME COLUMN p2 TO prompt;',
      options: prompts,
      message: /deletes its data/,
    },
    {
      sql: 'ALTER TABLE prompts ADD COLUMN p2 jsonb;\nALTER TABLE prompts DROP COLUMN prompt;\nALTER TABLE prompts RENAME COLUMN p2 TO prompt;',
      options: prompts,
      message: /deletes its data/,
    },
    // The copy runs only under a condition: it may not have run.
    {
      sql: "ALTER TABLE prompts ADD COLUMN p2 jsonb;\nDO $$ BEGIN IF current_setting('app.copy', true) = 'on' THEN UPDATE prompts SET p2 = to_jsonb(prompt); END IF; END $$;\nALTER TABLE prompts DROP COLUMN prompt;\nALTER TABLE prompts RENAME COLUMN p2 TO prompt;",
      options: prompts,
      message: /deletes its data/,
    },
  ],
  good: [
    // A type change by copy (langfuse 20240405124810_prompt_to_json): the values and the name are kept.
    {
      sql: `${copied}\nALTER TABLE prompts DROP COLUMN prompt;\nALTER TABLE prompts RENAME COLUMN prompt_json TO prompt;`,
      options: prompts,
    },
    {
      sql: 'ALTER TABLE prompts ADD COLUMN p2 jsonb;\nUPDATE prompts SET p2 = prompt::jsonb WHERE prompt IS NOT NULL;\nALTER TABLE prompts DROP COLUMN prompt;\nALTER TABLE prompts RENAME COLUMN p2 TO prompt;',
      options: prompts,
    },
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
