import { ruleCases } from './run.js';

ruleCases('add-column-not-null-without-default', {
  bad: [
    {
      sql: 'ALTER TABLE users ADD COLUMN locale text NOT NULL;',
      severity: 'error',
      fix: [
        /ALTER TABLE users ADD COLUMN locale text;/,
        {
          sql: /UPDATE users SET locale = :new_value_for_locale\s+WHERE id >= batch_start AND id < batch_start \+ batch_size AND \(locale IS NULL\);/,
          outsideTransaction: true,
        },
        /CHECK \(locale IS NOT NULL\) NOT VALID/,
        /ALTER COLUMN locale SET NOT NULL/,
      ],
    },
    {
      sql: 'ALTER TABLE app.users ADD COLUMN score numeric(10, 2) NOT NULL, ADD COLUMN note text;',
      count: 1,
      fix: [/ADD COLUMN score numeric\(10, 2\);/],
    },
    // One statement, one finding: the columns are added, backfilled and enforced together.
    {
      sql: 'ALTER TABLE users ADD COLUMN a int NOT NULL, ADD COLUMN b int NOT NULL;',
      count: 1,
      fix: [
        /ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int;/,
        { sql: /SET a = COALESCE\(a, .+\), b = COALESCE\(b, .+\)/, outsideTransaction: true },
        /CHECK \(a IS NOT NULL\)/,
        /CHECK \(b IS NOT NULL\)/,
      ],
    },
    // Emptied only in part, in another transaction, or filled again before the ALTER: rows may remain.
    { sql: 'BEGIN;\nDELETE FROM users WHERE id > 10;\nALTER TABLE users ADD COLUMN locale text NOT NULL;\nCOMMIT;' },
    { sql: 'BEGIN;\nTRUNCATE users;\nCOMMIT;\nBEGIN;\nALTER TABLE users ADD COLUMN locale text NOT NULL;\nCOMMIT;' },
    {
      sql: 'BEGIN;\nTRUNCATE users;\nINSERT INTO users (id) VALUES (1);\nALTER TABLE users ADD COLUMN locale text NOT NULL;\nCOMMIT;',
    },
  ],
  good: [
    { sql: "ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en';" },
    { sql: 'ALTER TABLE users ADD COLUMN locale text;' },
    { sql: 'CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN locale text NOT NULL;' },
    { sql: 'ALTER TABLE users ADD COLUMN id2 bigint GENERATED ALWAYS AS IDENTITY;' },
    // The same transaction emptied the table: no existing row for the ALTER to fail on.
    { sql: 'BEGIN;\nDELETE FROM users;\nALTER TABLE users ADD COLUMN locale text NOT NULL;\nCOMMIT;' },
    { sql: 'BEGIN;\nTRUNCATE users;\nALTER TABLE users ADD COLUMN locale text NOT NULL;\nCOMMIT;' },
  ],
});
