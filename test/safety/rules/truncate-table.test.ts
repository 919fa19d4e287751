import { ruleCases } from './run.js';

ruleCases('truncate-table', {
  bad: [
    { sql: 'TRUNCATE sessions CASCADE;', severity: 'error', fix: [/^SET lock_timeout = '5s';\nTRUNCATE sessions;$/] },
    {
      sql: 'TRUNCATE TABLE sessions;',
      severity: 'warning',
      fix: [
        {
          sql: /DELETE FROM sessions WHERE ctid = ANY \(ARRAY\(SELECT ctid FROM sessions LIMIT 10000\)\);/,
          outsideTransaction: true,
        },
      ],
    },
    { sql: 'TRUNCATE a, app.b RESTART IDENTITY CASCADE;', fix: [/TRUNCATE a, app\.b;/] },
    // The tables whose foreign keys reach the truncated one, through others, are named, and listed in the fix.
    {
      sql: 'TRUNCATE parents CASCADE;',
      options: {
        catalog: {
          history: [
            {
              sql: 'CREATE TABLE parents (id bigint PRIMARY KEY);\nCREATE TABLE kids (id bigint PRIMARY KEY, parent_id bigint REFERENCES parents (id));\nCREATE TABLE toys (kid_id bigint REFERENCES kids (id));\nCREATE TABLE other (id bigint);',
            },
          ],
        },
      },
      severity: 'error',
      message: /^TRUNCATE parents CASCADE also empties kids, toys, whose foreign keys reach parents\.$/,
      fix: [/^SET lock_timeout = '5s';\nTRUNCATE parents, kids, toys;$/],
    },
    // With the schema known from the first migration and no foreign key to the table, CASCADE empties nothing the
    // migrations made: the TRUNCATE is what loses data, a warning as without CASCADE.
    {
      sql: 'TRUNCATE sessions CASCADE;',
      options: { catalog: { history: [{ sql: 'CREATE TABLE sessions (id bigint);\nCREATE TABLE users (id int);' }] } },
      severity: 'warning',
      message: /no migration creates a foreign key to them/,
      fix: [/^SET lock_timeout = '5s';\nTRUNCATE sessions;$/],
    },
  ],
  good: [
    { sql: 'CREATE TABLE staging (id int);\nTRUNCATE staging;' },
    { sql: 'DELETE FROM sessions WHERE expires_at < now();' },
    { sql: 'BEGIN;\nCREATE TABLE s (id int);\nTRUNCATE s CASCADE;\nCOMMIT;' },
  ],
});
