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

const pair = {
  catalog: {
    history: [{ sql: 'CREATE TABLE t (a int NOT NULL, b int NOT NULL, CONSTRAINT t_a_b_key UNIQUE (a, b));' }],
  },
};

ruleCases('drop-constraint', {
  bad: [
    {
      sql: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;',
      severity: 'info',
      fix: [/^SET lock_timeout = '5s';\nALTER TABLE orders DROP CONSTRAINT orders_total_check;$/],
    },
    { sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;', options: fk, severity: 'warning' },
    { sql: 'ALTER TABLE orders DROP CONSTRAINT IF EXISTS a, DROP CONSTRAINT b;', count: 2 },
    // A key on other columns does not keep (a, b) unique.
    {
      sql: 'ALTER TABLE t ADD COLUMN c int, ADD CONSTRAINT t_c_key UNIQUE (c), DROP CONSTRAINT t_a_b_key;',
      options: pair,
    },
  ],
  good: [
    { sql: 'CREATE TABLE t (a int CONSTRAINT c CHECK (a > 0));\nALTER TABLE t DROP CONSTRAINT c;' },
    { sql: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;' },
    { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT c;' },
    // The same statement keeps the guarantee: a key on the same (or fewer) columns replaces the dropped one.
    { sql: 'ALTER TABLE t ADD PRIMARY KEY (a, b), DROP CONSTRAINT t_a_b_key;', options: pair },
    { sql: 'ALTER TABLE t ADD CONSTRAINT t_b_a_key UNIQUE (b, a), DROP CONSTRAINT t_a_b_key;', options: pair },
    { sql: 'ALTER TABLE t ADD PRIMARY KEY (a), DROP CONSTRAINT t_a_b_key;', options: pair },
  ],
});
