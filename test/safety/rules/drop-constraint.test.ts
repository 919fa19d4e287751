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

ruleCases('drop-constraint', {
  bad: [
    {
      sql: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;',
      severity: 'info',
      fix: [/^SET lock_timeout = '5s';\nALTER TABLE orders DROP CONSTRAINT orders_total_check;$/],
    },
    { sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;', options: fk, severity: 'warning' },
    { sql: 'ALTER TABLE orders DROP CONSTRAINT IF EXISTS a, DROP CONSTRAINT b;', count: 2 },
  ],
  good: [
    { sql: 'CREATE TABLE t (a int CONSTRAINT c CHECK (a > 0));\nALTER TABLE t DROP CONSTRAINT c;' },
    { sql: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;' },
    { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT c;' },
  ],
});
