import { ruleCases } from './run.js';

ruleCases('wide-index', {
  bad: [
    {
      sql: 'CREATE INDEX CONCURRENTLY orders_search_idx ON orders (tenant_id, status, user_id, created_at, total);',
      severity: 'info',
      noFix: true,
    },
    { sql: 'CREATE INDEX i ON t (a, b, c, d);', noFix: true },
    { sql: 'CREATE INDEX i ON t (a, lower(b), c, d) WHERE a > 0;', noFix: true },
  ],
  good: [
    { sql: 'CREATE INDEX i ON t (a, b, c);' },
    { sql: 'CREATE UNIQUE INDEX i ON t (a, b, c, d);' },
    { sql: 'CREATE INDEX i ON t (a, b) INCLUDE (c, d, e);' },
  ],
});
