import { ruleCases } from './run.js';

ruleCases('add-column-not-null-without-default', {
  bad: [
    {
      sql: 'ALTER TABLE users ADD COLUMN locale text NOT NULL;',
      severity: 'error',
      fix: [
        /ALTER TABLE users ADD COLUMN locale text;/,
        {
          sql: /UPDATE users SET locale = DEFAULT\s+WHERE id >= batch_start AND id < batch_start \+ batch_size AND \(locale IS NULL\);/,
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
    { sql: 'ALTER TABLE users ADD COLUMN a int NOT NULL, ADD COLUMN b int NOT NULL;', count: 2 },
  ],
  good: [
    { sql: "ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en';" },
    { sql: 'ALTER TABLE users ADD COLUMN locale text;' },
    { sql: 'CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN locale text NOT NULL;' },
    { sql: 'ALTER TABLE users ADD COLUMN id2 bigint GENERATED ALWAYS AS IDENTITY;' },
  ],
});
