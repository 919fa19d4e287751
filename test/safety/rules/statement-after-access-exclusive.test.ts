import { ruleCases } from './run.js';

ruleCases('statement-after-access-exclusive', {
  bad: [
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = name;\nCOMMIT;',
      fix: [/^COMMIT;$/, { sql: /^BEGIN;\nUPDATE users SET nickname = name;\nCOMMIT;$/, separateMigration: true }],
    },
    { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_x_idx ON orders (x);\nCOMMIT;' },
    { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO archive SELECT * FROM orders;\nCOMMIT;' },
    {
      sql: 'ALTER TABLE users RENAME COLUMN a TO b;\nSELECT count(*) FROM orders;',
      options: { assumeInTransaction: true },
    },
  ],
  good: [
    { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\nUPDATE users SET nickname = name;' },
    { sql: 'ALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = name;' },
    { sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nSET LOCAL statement_timeout = '1s';\nCOMMIT;" },
    { sql: 'BEGIN;\nCREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN x int;\nINSERT INTO t VALUES (1, 2);\nCOMMIT;' },
    // Quick statements after the lock: instant renames, index drops, metadata-only changes, single-row writes.
    {
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders RENAME COLUMN a TO b;\nDROP INDEX orders_x_idx;\nCOMMENT ON TABLE orders IS 'x';\nINSERT INTO audit (what) VALUES ('added nickname');\nCOMMIT;",
    },
  ],
});
