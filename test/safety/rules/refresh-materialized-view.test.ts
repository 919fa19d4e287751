import { ruleCases } from './run.js';

const VIEW = 'CREATE MATERIALIZED VIEW order_totals AS SELECT id, sum(total) AS total FROM orders GROUP BY id;';

ruleCases('refresh-materialized-view', {
  bad: [
    { sql: 'REFRESH MATERIALIZED VIEW order_totals;', fix: [/^REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;$/] },
    {
      sql: 'REFRESH MATERIALIZED VIEW order_totals;',
      options: {
        catalog: {
          history: [
            {
              sql: `CREATE TABLE orders (id bigint, total numeric);\n${VIEW}\nCREATE UNIQUE INDEX order_totals_id_idx ON order_totals (id);`,
            },
          ],
        },
      },
      fix: [/CONCURRENTLY order_totals;$/],
    },
    { sql: 'REFRESH MATERIALIZED VIEW reports.daily;' },
    {
      sql: 'REFRESH MATERIALIZED VIEW order_totals;',
      options: { rowCounts: { order_totals: 5_000_000 } },
      severity: 'error',
    },
  ],
  good: [
    { sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;' },
    // Emptying it runs no query (readers then get an error until the next refresh, a different matter).
    { sql: 'REFRESH MATERIALIZED VIEW order_totals WITH NO DATA;' },
    // Created in this migration: no one reads it yet.
    { sql: `CREATE TABLE orders (id bigint, total numeric);\n${VIEW}\nREFRESH MATERIALIZED VIEW order_totals;` },
  ],
});
