/**
 * Setup SQL beside each rule's failing example (kept out of the rule metadata): the objects the example needs,
 * with a few rows so backfills have work to do. Shared by the lock verification and the fix execution tests.
 */

export interface LockCase {
  /** Tables and other objects the example needs, created in the test's own schema. */
  setup: string;
  /** Rows for the fix execution test (the lock test runs on empty tables, where every example succeeds). */
  data?: string;
  /** The statements to run instead of `meta.examples.bad` (e.g. to use the test's schema name). */
  sql?: (schema: string) => string;
  /** The relation (name in pg_class) each of `meta.locks` refers to, in the same order. */
  relations: string[];
  /** Schemas besides the test's own whose relations the example touches. */
  extraSchemas?: (schema: string) => string[];
}

export const LOCK_CASES: Record<string, LockCase> = {
  'require-concurrent-index-creation': {
    setup: 'CREATE TABLE orders (id bigint, user_id bigint);',
    relations: ['orders'],
  },
  'require-concurrent-index-deletion': {
    setup: 'CREATE TABLE orders (status text);\nCREATE INDEX orders_status_idx ON orders (status);',
    relations: ['orders'],
  },
  'require-concurrent-reindex': {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
    relations: ['orders', 'orders_pkey'],
  },
  'foreign-key-not-valid': {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint, user_id bigint);',
    relations: ['orders', 'users'],
  },
  'check-constraint-not-valid': { setup: 'CREATE TABLE orders (total numeric);', relations: ['orders'] },
  'validate-in-same-transaction': { setup: 'CREATE TABLE orders (total numeric);', relations: ['orders'] },
  'unique-constraint-without-index': { setup: 'CREATE TABLE users (email text);', relations: ['users'] },
  'primary-key-without-index': {
    setup: 'CREATE TABLE events (id bigint);',
    data: 'INSERT INTO events SELECT generate_series(1, 1000);',
    relations: ['events'],
  },
  'primary-key-using-index-nullable': {
    setup: 'CREATE TABLE events (id bigint);\nCREATE UNIQUE INDEX events_id_idx ON events (id);',
    relations: ['events'],
  },
  'exclusion-constraint': {
    setup: 'CREATE TABLE bookings (room_id int, during tstzrange);',
    // The documented example needs btree_gist for `room_id WITH =`; the lock is the same without it.
    sql: () => 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&);',
    relations: ['bookings'],
  },
  'set-not-null': {
    setup:
      "CREATE TABLE users (id bigint, email text);\nINSERT INTO users SELECT g, 'u' || g || '@x' FROM generate_series(1, 1000) g;",
    relations: ['users'],
  },
  'add-column-not-null-without-default': {
    setup: 'CREATE TABLE users (id bigint);',
    data: 'INSERT INTO users SELECT generate_series(1, 25000);',
    relations: ['users'],
  },
  'add-column-volatile-default': {
    setup: 'CREATE TABLE orders (id bigint);',
    data: 'INSERT INTO orders SELECT generate_series(1, 25000);',
    relations: ['orders'],
  },
  'add-column-generated-stored': {
    setup: 'CREATE TABLE orders (id bigint, total numeric);',
    data: 'INSERT INTO orders SELECT g, g FROM generate_series(1, 25000) g;',
    relations: ['orders'],
  },
  'add-column-serial-or-identity': {
    setup: 'CREATE TABLE events (id bigint);',
    data: 'INSERT INTO events SELECT generate_series(1, 25000);',
    relations: ['events'],
  },
  'column-type-change': {
    setup: 'CREATE TABLE orders (id bigint, quantity int);',
    data: 'INSERT INTO orders SELECT g, g FROM generate_series(1, 25000) g;',
    relations: ['orders'],
  },
  'drop-not-null': { setup: 'CREATE TABLE users (phone text NOT NULL);', relations: ['users'] },
  'rename-column': {
    setup:
      "CREATE TABLE users (id bigint, name text);\nINSERT INTO users SELECT g, 'n' || g FROM generate_series(1, 25000) g;",
    relations: ['users'],
  },
  // Renamed inside the transaction: pg_class already shows the new name.
  'rename-table': { setup: 'CREATE TABLE customers (id bigint);', relations: ['customers'] },
  'drop-column': { setup: 'CREATE TABLE users (id bigint, legacy_id bigint);', relations: ['users'] },
  'drop-table': { setup: 'CREATE TABLE audit_log (id bigint);', relations: ['audit_log'] },
  'drop-schema': {
    setup: '',
    sql: (schema) => `CREATE SCHEMA ${schema}_reporting;\nCREATE TABLE ${schema}_reporting.daily (id bigint);`,
    relations: ['daily'],
    extraSchemas: (schema) => [`${schema}_reporting`],
  },
  'truncate-table': { setup: 'CREATE TABLE sessions (id bigint);', relations: ['sessions'] },
  'detach-partition-concurrently': {
    setup:
      "CREATE TABLE measurements (logdate date) PARTITION BY RANGE (logdate);\nCREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');",
    relations: ['measurements'],
  },
  'attach-partition-without-check': {
    setup:
      'CREATE TABLE measurements (logdate date) PARTITION BY RANGE (logdate);\nCREATE TABLE measurements_2024 (logdate date);',
    relations: ['measurements', 'measurements_2024'],
  },
  'vacuum-full-or-cluster': {
    setup:
      'CREATE TABLE orders (id bigint, created_at timestamptz);\nCREATE INDEX orders_created_at_idx ON orders (created_at);',
    // VACUUM cannot run inside a transaction block; CLUSTER on a named table can and takes the same lock.
    sql: () => 'CLUSTER orders USING orders_created_at_idx;',
    relations: ['orders'],
  },
  'refresh-materialized-view': {
    setup:
      'CREATE TABLE orders (id bigint, total numeric);\nCREATE MATERIALIZED VIEW order_totals AS SELECT id, sum(total) AS total FROM orders GROUP BY id;\nCREATE UNIQUE INDEX order_totals_id_idx ON order_totals (id);',
    data: 'INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g;',
    relations: ['order_totals'],
  },
  'table-storage-rewrite': { setup: 'CREATE UNLOGGED TABLE events (id bigint);', relations: ['events'] },
  'drop-cascade': {
    setup: "CREATE TYPE order_status AS ENUM ('new', 'paid');\nCREATE TABLE orders (id bigint, status order_status);",
    relations: ['orders'],
  },
  'set-schema': {
    setup: 'CREATE TABLE invoices (id bigint);',
    sql: (schema) => `CREATE SCHEMA ${schema}_billing;\nALTER TABLE ${schema}.invoices SET SCHEMA ${schema}_billing;`,
    relations: ['invoices'],
    extraSchemas: (schema) => [`${schema}_billing`],
  },
  'statement-after-access-exclusive': {
    setup: "CREATE TABLE users (id bigint, name text);\nINSERT INTO users VALUES (1, 'a');",
    relations: ['users'],
  },
  'combine-alter-table': { setup: 'CREATE TABLE users (id bigint);', relations: ['users'] },
  'unbatched-backfill': {
    setup: 'CREATE TABLE users (id bigint, locale text);',
    data: 'INSERT INTO users SELECT generate_series(1, 25000);',
    relations: ['users'],
  },
  'alter-domain-add-constraint': {
    setup: 'CREATE DOMAIN positive_amount AS numeric;\nCREATE TABLE payments (amount positive_amount);',
    relations: ['payments'],
  },
  'drop-constraint': {
    setup:
      'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (user_id bigint CONSTRAINT orders_user_id_fkey REFERENCES users (id));',
    relations: ['orders'],
  },
};
