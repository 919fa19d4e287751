import { existing, ruleCases } from './run.js';

ruleCases('require-concurrent-index-creation', {
  bad: [
    {
      sql: 'CREATE INDEX orders_user_id_idx ON orders (user_id);',
      fix: [
        {
          sql: /^CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders \(user_id\);$/,
          outsideTransaction: true,
          separateMigration: true,
        },
        /DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx/,
      ],
      severity: 'warning',
    },
    {
      sql: 'CREATE UNIQUE INDEX users_email_key ON public.users (lower(email));',
      fix: [/^CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON public\.users \(lower\(email\)\);$/],
    },
    {
      sql: 'CREATE INDEX ON events USING gin (payload);',
      fix: [/^CREATE INDEX CONCURRENTLY ON events USING gin \(payload\);$/],
    },
    {
      sql: 'CREATE INDEX big_idx ON events (created_at);',
      options: { rowCounts: { events: 5_000_000 } },
      severity: 'error',
    },
    { sql: 'CREATE TABLE a (id bigint);\nCREATE INDEX users_name_idx ON users (name);', count: 1 },
  ],
  good: [
    { sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);' },
    // The index exists: PostgreSQL says "already exists, skipping" and builds nothing (harbor 0060 after 0053).
    {
      sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\nCREATE INDEX IF NOT EXISTS orders_user_id_idx ON orders (user_id);',
      options: existing({ orders: [['user_id', 'int8']] }),
    },
    { sql: 'CREATE TABLE orders (id bigint, user_id bigint);\nCREATE INDEX orders_user_id_idx ON orders (user_id);' },
    { sql: 'BEGIN;\nCREATE TABLE s.items (id bigint);\nCREATE INDEX items_id_idx ON s.items (id);\nCOMMIT;' },
    { sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);', options: existing({ t: undefined }) },
  ],
});
