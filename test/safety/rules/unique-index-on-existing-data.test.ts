import { ruleCases } from './run.js';

ruleCases('unique-index-on-existing-data', {
  bad: [
    {
      sql: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);',
      severity: 'info',
      fix: [
        /^SELECT email, count\(\*\) FROM users WHERE email IS NOT NULL GROUP BY email HAVING count\(\*\) > 1;$/,
        { sql: /^CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users \(email\);$/, outsideTransaction: true },
      ],
    },
    {
      sql: 'CREATE UNIQUE INDEX m_key ON memberships (org_id, user_id);',
      fix: [
        /SELECT org_id, user_id, count\(\*\) FROM memberships WHERE org_id IS NOT NULL AND user_id IS NOT NULL GROUP BY org_id, user_id HAVING count\(\*\) > 1;/,
      ],
    },
    { sql: 'CREATE UNIQUE INDEX IF NOT EXISTS k ON app.t (code);', fix: [/FROM app\.t/] },
  ],
  good: [
    { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);' },
    { sql: 'CREATE TABLE users (email text);\nCREATE UNIQUE INDEX users_email_key ON users (email);' },
    { sql: 'CREATE UNIQUE INDEX users_lower_email_key ON users (lower(email));' },
  ],
});
