import { ruleCases } from './run.js';

ruleCases('unbatched-backfill', {
  bad: [
    {
      sql: "UPDATE users SET locale = 'en';",
      severity: 'error',
      fix: [
        {
          sql: /batch_start bigint := \(SELECT min\(id\) FROM users\);[\s\S]*UPDATE users SET locale = 'en'\n\s+WHERE id >= batch_start AND id < batch_start \+ batch_size;\n\s+COMMIT;/,
          outsideTransaction: true,
          separateMigration: true,
        },
      ],
    },
    {
      sql: 'DELETE FROM sessions;',
      severity: 'error',
      fix: [/DELETE FROM sessions WHERE ctid = ANY \(ARRAY\(SELECT ctid FROM sessions LIMIT 10000\)\);/],
    },
    {
      sql: "UPDATE events SET kind = 'click' WHERE kind IS NULL;",
      options: { rowCounts: { events: 50_000_000 } },
      fix: [
        /UPDATE events SET kind = 'click'\n\s+WHERE id >= batch_start AND id < batch_start \+ batch_size AND \(kind IS NULL\);/,
      ],
    },
    {
      sql: "DELETE FROM events WHERE created_at < now() - interval '90 days';",
      options: { rowCounts: { events: 50_000_000 } },
      fix: [/SELECT ctid FROM events WHERE created_at < now\(\) - interval '90 days' LIMIT 10000/],
    },
    {
      sql: 'UPDATE orders o SET total = i.sum FROM invoices i WHERE i.order_id = o.id;',
      options: { rowCounts: { orders: 2_000_000 } },
      fix: [/SELECT min\(o\.id\) FROM orders AS o/, /WHERE o\.id >= batch_start/],
    },
  ],
  good: [
    { sql: "UPDATE users SET locale = 'en' WHERE id = 42;" },
    { sql: "UPDATE users SET locale = 'en' WHERE locale IS NULL;", options: { rowCounts: { users: 500 } } },
    { sql: "CREATE TABLE t (a text);\nUPDATE t SET a = 'x';" },
    { sql: 'DELETE FROM sessions WHERE id = 1;' },
  ],
});
