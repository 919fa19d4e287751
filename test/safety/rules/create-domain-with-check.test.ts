import { ruleCases } from './run.js';

ruleCases('create-domain-with-check', {
  bad: [
    {
      sql: "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');",
      severity: 'info',
      fix: [/^CREATE DOMAIN email AS text;$/],
    },
    {
      sql: 'CREATE DOMAIN positive AS numeric NOT NULL CONSTRAINT positive_check CHECK (VALUE > 0);',
      fix: [/^CREATE DOMAIN positive AS numeric NOT NULL;$/],
    },
    { sql: 'CREATE DOMAIN app.code AS text CHECK (char_length(VALUE) = 3) CHECK (VALUE = upper(VALUE));' },
  ],
  good: [
    { sql: 'CREATE DOMAIN email AS text;' },
    { sql: 'CREATE DOMAIN positive AS numeric NOT NULL;' },
    { sql: "CREATE DOMAIN d AS text DEFAULT 'x';" },
  ],
});
