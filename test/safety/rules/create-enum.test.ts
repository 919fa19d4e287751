import { ruleCases } from './run.js';

ruleCases('create-enum', {
  bad: [
    {
      sql: "CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');",
      severity: 'info',
      fix: [
        /^CREATE TABLE order_status_values \(name text PRIMARY KEY\);\nINSERT INTO order_status_values \(name\) VALUES \('new'\), \('paid'\), \('shipped'\);$/,
      ],
    },
    { sql: "CREATE TYPE app.mood AS ENUM ('it''s ok');", fix: [/VALUES \('it''s ok'\)/] },
    { sql: 'CREATE TYPE empty AS ENUM ();' },
  ],
  good: [
    { sql: 'CREATE TYPE pair AS (a int, b int);' },
    { sql: "ALTER TYPE order_status ADD VALUE 'refunded';" },
    { sql: 'CREATE DOMAIN amount AS numeric;' },
  ],
});
