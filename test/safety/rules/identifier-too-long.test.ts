import { ruleCases } from './run.js';

const long = 'orders_with_a_really_long_descriptive_name_for_the_customer_purchase_history';

ruleCases('identifier-too-long', {
  bad: [
    {
      sql: `CREATE TABLE ${long} (id bigint);`,
      fix: [/^CREATE TABLE orders_with_a_really_long_descriptive_name_for_the_cust_[0-9a-f]{6} \(id bigint\);$/],
    },
    { sql: `CREATE INDEX ${long}_idx ON orders (id);` },
    {
      sql: `ALTER TABLE orders ADD COLUMN "${long.toUpperCase()}" text;`,
      fix: [/ADD COLUMN "ORDERS_WITH_A_REALLY_LONG_DESCRIPTIVE_NAME_FOR_THE_CUST_[0-9a-f]{6}" text;/],
    },
    { sql: `ALTER TABLE orders ADD CONSTRAINT ${'c'.repeat(64)} CHECK (id > 0) NOT VALID;` },
    { sql: `ALTER TABLE orders RENAME TO ${long};` },
    { sql: `CREATE VIEW ${long} AS SELECT 1;` },
  ],
  good: [
    { sql: `CREATE TABLE ${'t'.repeat(63)} (id bigint);` },
    { sql: 'CREATE INDEX orders_id_idx ON orders (id);' },
    { sql: `SELECT '${long}${long}';` },
    // A reference is truncated as the creation was: it finds the object (the creation is where the warning is).
    { sql: `DROP INDEX ${long}_idx;` },
    { sql: `SELECT ${long} FROM orders;` },
    { sql: `UPDATE ${long} SET id = 1 WHERE id = 2;` },
  ],
});
