import { existing, ruleCases } from './run.js';

const users = existing({
  users: [
    ['phone', 'text', true],
    ['email', 'text'],
  ],
});

ruleCases('drop-not-null', {
  bad: [
    {
      sql: 'ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;',
      fix: [
        {
          sql: /^SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN phone DROP NOT NULL;$/,
          separateMigration: true,
        },
      ],
    },
    // One statement, one finding naming both columns.
    { sql: 'ALTER TABLE app.users ALTER phone DROP NOT NULL, ALTER email DROP NOT NULL;', count: 1 },
    { sql: 'ALTER TABLE ONLY users ALTER COLUMN phone DROP NOT NULL;' },
    {
      sql: 'ALTER TABLE users ALTER COLUMN phone DROP NOT NULL, ALTER COLUMN email DROP NOT NULL;',
      options: users,
      message: /^users\.phone may now be NULL/,
    },
  ],
  good: [
    { sql: 'ALTER TABLE users ALTER COLUMN phone SET NOT NULL;' },
    { sql: "ALTER TABLE users ALTER COLUMN phone SET DEFAULT '';" },
    { sql: 'CREATE TABLE users (phone text NOT NULL);\nALTER TABLE users ALTER COLUMN phone DROP NOT NULL;' },
    // Already nullable: nothing changes.
    { sql: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;', options: users },
  ],
});
