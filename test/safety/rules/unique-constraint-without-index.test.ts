import { ruleCases } from './run.js';

ruleCases('unique-constraint-without-index', {
  bad: [
    {
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
      fix: [
        {
          sql: /^CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users \(email\);$/,
          outsideTransaction: true,
          separateMigration: true,
        },
        /ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;/,
      ],
    },
    {
      sql: 'ALTER TABLE memberships ADD UNIQUE (org_id, user_id);',
      fix: [/CREATE UNIQUE INDEX CONCURRENTLY memberships_org_id_user_id_key ON memberships \(org_id, user_id\);/],
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN handle text UNIQUE;',
      fix: [/ADD COLUMN handle text;/, /UNIQUE USING INDEX users_handle_key/],
    },
    {
      sql: 'ALTER TABLE users ADD CONSTRAINT u UNIQUE (email);',
      options: { rowCounts: { users: 3_000_000 } },
      severity: 'error',
    },
  ],
  good: [
    { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;' },
    { sql: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);' },
    {
      sql: 'CREATE TABLE users (id bigint, email text);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
    },
    { sql: 'CREATE TABLE users (id bigint, email text UNIQUE);' },
  ],
});
