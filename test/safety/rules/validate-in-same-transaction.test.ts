import { existing, ruleCases } from './run.js';

ruleCases('validate-in-same-transaction', {
  bad: [
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\nCOMMIT;',
      fix: [
        /^COMMIT;$/,
        { sql: /^ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;$/, separateMigration: true },
      ],
    },
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\nCOMMIT;',
      options: existing({ orders: [['user_id', 'int8']], users: [['id', 'int8', true]] }),
      message: /while writes are blocked/,
    },
    // supabase/auth 20250904133000: the ADD COLUMN before it holds sessions ACCESS EXCLUSIVE, so a reader waits too.
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN user_id bigint;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\nCOMMIT;',
      options: existing({ orders: [['id', 'int8']], users: [['id', 'int8', true]] }),
      message: /while reads and writes are blocked/,
    },
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;',
      options: { assumeInTransaction: true },
    },
  ],
  good: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;',
    },
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT c;\nCOMMIT;',
    },
    { sql: 'BEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT c;\nCOMMIT;' },
    {
      sql: 'BEGIN;\nCREATE TABLE t (x int);\nALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;\nCOMMIT;',
    },
  ],
});
