import { existing, ruleCases } from './run.js';

ruleCases('foreign-key-not-valid', {
  bad: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
      fix: [
        {
          sql: /ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY \(user_id\) REFERENCES users \(id\) NOT VALID;/,
          separateMigration: false,
        },
        { sql: /^ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;$/, separateMigration: true },
        /SET lock_timeout/,
      ],
      message: /: writes to orders and users are blocked while every row is checked/,
    },
    {
      // cal.com 20211231142312: dropping another key to users took ACCESS EXCLUSIVE on users (pg_locks), held
      // through the check.
      sql: [
        'BEGIN;',
        'ALTER TABLE carts DROP CONSTRAINT carts_user_id_fkey;',
        'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
        'COMMIT;',
      ].join('\n'),
      options: {
        catalog: {
          history: [
            {
              sql: 'CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (user_id int);\nCREATE TABLE carts (user_id int REFERENCES users (id));',
            },
          ],
        },
      },
      message: /: writes to orders and reads and writes of users are blocked while every row is checked/,
    },
    {
      // A default (NULL too) makes PostgreSQL check the added column's key against every row.
      sql: 'ALTER TABLE orders ADD COLUMN user_id bigint DEFAULT NULL REFERENCES users (id) ON DELETE CASCADE;',
      // supabase/auth 20230818113222: pg_locks holds saml_relay_states ACCESS EXCLUSIVE during the check.
      message: /reads and writes of orders and writes to users are blocked while every row is checked/,
      fix: [
        /ALTER TABLE orders ADD COLUMN user_id bigint DEFAULT NULL;/,
        /ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY \(user_id\) REFERENCES users \(id\) ON DELETE CASCADE NOT VALID;/,
        /VALIDATE CONSTRAINT orders_user_id_fkey/,
      ],
    },
    {
      sql: 'ALTER TABLE app.line_items ADD FOREIGN KEY (order_id, tenant_id) REFERENCES app.orders (id, tenant_id);',
      fix: [
        /ADD CONSTRAINT line_items_order_id_tenant_id_fkey FOREIGN KEY \(order_id, tenant_id\) REFERENCES app\.orders \(id, tenant_id\) NOT VALID/,
      ],
    },
    {
      sql: 'ALTER TABLE events ADD CONSTRAINT events_user_fk FOREIGN KEY (user_id) REFERENCES users;',
      options: { rowCounts: { events: 2_000_000 } },
      severity: 'error',
    },
  ],
  good: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
    },
    { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;' },
    { sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));' },
    {
      sql: 'CREATE TABLE orders (id bigint, user_id bigint);\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);',
    },
    { sql: 'ALTER TABLE orders ADD COLUMN note text;', options: existing({ orders: undefined }) },
    // Without a default the new column is NULL in every row: PostgreSQL marks the key valid without a check.
    { sql: 'ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE CASCADE;' },
  ],
});
