import { ruleCases } from './run.js';

ruleCases('statement-after-access-exclusive', {
  bad: [
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = name;\nCOMMIT;',
      fix: [/^COMMIT;$/, { sql: /^BEGIN;\nUPDATE users SET nickname = name;\nCOMMIT;$/, separateMigration: true }],
    },
    { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_x_idx ON orders (x);\nCOMMIT;' },
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
  ],
});
