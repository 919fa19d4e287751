import { ruleCases } from './run.js';

ruleCases('enum-add-value-in-transaction', {
  bad: [
    {
      sql: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nCOMMIT;",
      options: { pgVersion: 11 },
      severity: 'error',
      fix: [
        { sql: /^ALTER TYPE order_status ADD VALUE 'refunded';$/, outsideTransaction: true, separateMigration: true },
      ],
    },
    {
      sql: "ALTER TYPE s.kind ADD VALUE IF NOT EXISTS 'x' BEFORE 'y';",
      options: { pgVersion: 10, assumeInTransaction: true },
    },
    {
      sql: "BEGIN;\nALTER TYPE a ADD VALUE 'x';\nALTER TYPE b ADD VALUE 'y';\nCOMMIT;",
      options: { pgVersion: 9 },
      count: 2,
    },
  ],
  good: [
    { sql: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nCOMMIT;" },
    { sql: "ALTER TYPE order_status ADD VALUE 'refunded';", options: { pgVersion: 11 } },
    { sql: "BEGIN;\nALTER TYPE order_status RENAME VALUE 'a' TO 'b';\nCOMMIT;", options: { pgVersion: 11 } },
  ],
});
