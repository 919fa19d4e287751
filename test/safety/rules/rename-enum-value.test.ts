import { ruleCases } from './run.js';

ruleCases('rename-enum-value', {
  bad: [
    {
      sql: "ALTER TYPE order_status RENAME VALUE 'canceled' TO 'cancelled';",
      fix: [
        /^ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled' AFTER 'canceled';$/,
        { sql: /a\.atttypid = 'order_status'::regtype/, separateMigration: true },
      ],
    },
    { sql: "ALTER TYPE app.kind RENAME VALUE 'a' TO 'b';", fix: [/ALTER TYPE app\.kind ADD VALUE IF NOT EXISTS 'b'/] },
    { sql: "ALTER TYPE mood RENAME VALUE 'it''s' TO 'its';", fix: [/AFTER 'it''s'/] },
  ],
  good: [
    { sql: "ALTER TYPE order_status ADD VALUE 'refunded';" },
    { sql: 'ALTER TYPE order_status RENAME TO order_state;' },
    { sql: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled' AFTER 'canceled';" },
  ],
});
