import { ruleCases } from './run.js';

ruleCases('add-column-volatile-default', {
  bad: [
    {
      sql: 'ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();',
      fix: [
        /ALTER TABLE orders ADD COLUMN public_id uuid;/,
        /^ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid\(\);$/,
        { sql: /UPDATE orders SET public_id = gen_random_uuid\(\)/, outsideTransaction: true, separateMigration: true },
      ],
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN seen_at timestamptz NOT NULL DEFAULT clock_timestamp();',
      fix: [/SET DEFAULT clock_timestamp\(\)/, /ALTER COLUMN seen_at SET NOT NULL/],
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN bucket int DEFAULT (random() * 10)::int;',
      fix: [/SET DEFAULT \(random\(\) \* 10\)::int;/],
    },
    { sql: "ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';", options: { pgVersion: 10 } },
    { sql: 'ALTER TABLE orders ADD COLUMN code text DEFAULT my_code();', severity: 'info' },
    // A function the migrations created without IMMUTABLE or STABLE is VOLATILE: the rewrite is certain.
    {
      sql: "CREATE FUNCTION my_code() RETURNS text LANGUAGE sql AS $$ SELECT 'c' || random() $$;\nALTER TABLE orders ADD COLUMN code text DEFAULT my_code();",
      severity: 'warning',
    },
    {
      sql: "ALTER TABLE orders ADD COLUMN n bigint DEFAULT nextval('s');",
      options: { rowCounts: { orders: 5_000_000 } },
      severity: 'error',
    },
  ],
  good: [
    { sql: "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';" },
    { sql: 'ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT now();' },
    { sql: 'ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT CURRENT_TIMESTAMP;' },
    { sql: 'ALTER TABLE orders ADD COLUMN flag boolean DEFAULT true;' },
    {
      sql: 'CREATE TABLE orders (id bigint);\nALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();',
    },
    { sql: 'ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();' },
    {
      sql: "CREATE FUNCTION my_code() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'c' $$;\nALTER TABLE orders ADD COLUMN code text DEFAULT my_code();",
    },
  ],
});
