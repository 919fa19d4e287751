import { ruleCases } from './run.js';

const fk = {
  catalog: {
    snapshot: {
      tables: [
        { name: 'users', columns: [{ name: 'id', type: 'int8', notNull: true, hasDefault: false }] },
        { name: 'orders', columns: [{ name: 'user_id', type: 'int8', notNull: false, hasDefault: false }] },
      ],
    },
    history: [
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);' },
    ],
  },
};

/** langfuse: datasets keyed by (id, project_id); dataset_items' foreign key re-added on both columns. */
const composite = (projectIdNotNull: boolean) => ({
  catalog: {
    history: [
      {
        sql: `CREATE TABLE datasets (id text, project_id text NOT NULL, PRIMARY KEY (id), UNIQUE (id, project_id));\nCREATE TABLE dataset_items (id text PRIMARY KEY, dataset_id text, project_id text ${projectIdNotNull ? 'NOT NULL' : ''}, CONSTRAINT dataset_items_dataset_id_fkey FOREIGN KEY (dataset_id) REFERENCES datasets (id));`,
      },
    ],
  },
});
const REKEY =
  'ALTER TABLE dataset_items DROP CONSTRAINT dataset_items_dataset_id_fkey;\nALTER TABLE dataset_items ADD CONSTRAINT dataset_items_dataset_id_project_id_fkey FOREIGN KEY (dataset_id, project_id) REFERENCES datasets (id, project_id);';

const pair = {
  catalog: {
    history: [{ sql: 'CREATE TABLE t (a int NOT NULL, b int NOT NULL, CONSTRAINT t_a_b_key UNIQUE (a, b));' }],
  },
};

/** The online SET NOT NULL recipe: a validated CHECK (name IS NOT NULL) proves the column before SET NOT NULL. */
const notNullCheck = {
  catalog: {
    history: [
      {
        sql: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);\nALTER TABLE users ADD CONSTRAINT users_name_not_null CHECK (name IS NOT NULL);',
      },
    ],
  },
};

ruleCases('drop-constraint', {
  bad: [
    // The CHECK guards a column that stays nullable: dropping it removes the guarantee.
    { sql: 'ALTER TABLE users DROP CONSTRAINT users_name_not_null;', options: notNullCheck },
    {
      sql: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;',
      severity: 'info',
      fix: [/^SET lock_timeout = '5s';\nALTER TABLE orders DROP CONSTRAINT orders_total_check;$/],
    },
    {
      sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;',
      options: fk,
      severity: 'warning',
      message: /\(and locks users ACCESS EXCLUSIVE too\)/,
    },
    // supabase/auth 20221114143410: a self-referencing key locks no second table (pg_locks: refresh_tokens only).
    {
      sql: 'ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_parent_fkey;',
      options: {
        catalog: {
          history: [
            {
              sql: 'CREATE TABLE refresh_tokens (token text UNIQUE, parent text CONSTRAINT refresh_tokens_parent_fkey REFERENCES refresh_tokens (token));',
            },
          ],
        },
      },
      message: /^Dropping foreign key refresh_tokens_parent_fkey on refresh_tokens removes a guarantee on its data\.$/,
    },
    { sql: 'ALTER TABLE orders DROP CONSTRAINT IF EXISTS a, DROP CONSTRAINT b;', count: 2 },
    // A key on other columns does not keep (a, b) unique.
    {
      sql: 'ALTER TABLE t ADD COLUMN c int, ADD CONSTRAINT t_c_key UNIQUE (c), DROP CONSTRAINT t_a_b_key;',
      options: pair,
    },
    // Put back on other columns, or pointing elsewhere, the guarantee is a different one.
    {
      sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES admins (id);',
      options: {
        catalog: {
          ...fk.catalog,
          history: [...fk.catalog.history, { sql: 'CREATE TABLE admins (id int8 PRIMARY KEY);' }],
        },
      },
      severity: 'warning',
    },
    {
      sql: 'ALTER TABLE t DROP CONSTRAINT t_a_b_key;\nALTER TABLE t ADD CONSTRAINT t_a_b_c_key UNIQUE (a, b, c);',
      options: {
        catalog: { history: [{ sql: 'CREATE TABLE t (a int, b int, c int, CONSTRAINT t_a_b_key UNIQUE (a, b));' }] },
      },
      severity: 'warning',
    },
    // The wider key skips rows whose project_id is NULL (MATCH SIMPLE): it does not check every row.
    { sql: REKEY, options: composite(false), severity: 'warning' },
    // A unique index is not counted: the catalog cannot tell whether it is partial.
    {
      sql: 'ALTER TABLE t DROP CONSTRAINT t_a_b_key;\nCREATE UNIQUE INDEX t_a_b_idx ON t (a, b) WHERE a > 0;',
      options: pair,
      severity: 'warning',
    },
  ],
  good: [
    { sql: 'CREATE TABLE t (a int CONSTRAINT c CHECK (a > 0));\nALTER TABLE t DROP CONSTRAINT c;' },
    // Once the column is NOT NULL, the recipe's CHECK guards nothing more.
    {
      sql: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_name_not_null;',
      options: notNullCheck,
    },
    {
      sql: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL, DROP CONSTRAINT users_name_not_null;',
      options: notNullCheck,
    },
    // The whole recipe on a table whose columns are not known: the SET NOT NULL is remembered all the same.
    {
      sql: "SET lock_timeout = '5s';\nALTER TABLE accounts ADD CONSTRAINT accounts_name_nn CHECK (name IS NOT NULL) NOT VALID;\nALTER TABLE accounts VALIDATE CONSTRAINT accounts_name_nn;\nALTER TABLE accounts ALTER COLUMN name SET NOT NULL;\nALTER TABLE accounts DROP CONSTRAINT accounts_name_nn;",
    },
    { sql: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;' },
    { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT c;' },
    // The same statement keeps the guarantee: a key on the same (or fewer) columns replaces the dropped one.
    { sql: 'ALTER TABLE t ADD PRIMARY KEY (a, b), DROP CONSTRAINT t_a_b_key;', options: pair },
    { sql: 'ALTER TABLE t ADD CONSTRAINT t_b_a_key UNIQUE (b, a), DROP CONSTRAINT t_a_b_key;', options: pair },
    { sql: 'ALTER TABLE t ADD PRIMARY KEY (a), DROP CONSTRAINT t_a_b_key;', options: pair },
    // A later statement of the migration puts the same guarantee back: Prisma drops and re-adds a foreign key to
    // change its ON DELETE (re-adding it validates every row: foreign-key-not-valid says so).
    {
      sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;',
      options: fk,
    },
    {
      sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users NOT VALID;',
      options: fk,
    },
    {
      sql: 'ALTER TABLE t DROP CONSTRAINT t_a_b_key;\nALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY (a, b);',
      options: pair,
    },
    // Re-added as a wider key that pairs the same column with the same referenced column, the rest NOT NULL.
    { sql: REKEY, options: composite(true) },
    // The dropped foreign key followed the column it references through a rename: re-added on the new name.
    {
      sql: 'ALTER TABLE users RENAME COLUMN id TO user_id;\nALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE;',
      options: fk,
    },
  ],
});
