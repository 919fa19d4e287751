import { existing, ruleCases } from './run.js';

ruleCases('rename-column', {
  bad: [
    {
      sql: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
      severity: 'error',
      fix: [
        /EXECUTE format\('ALTER TABLE users ADD COLUMN full_name %s'/,
        /CREATE TRIGGER users_full_name_sync BEFORE INSERT OR UPDATE ON users/,
        { sql: /UPDATE users SET full_name = name/, outsideTransaction: true },
        { sql: /ALTER TABLE users DROP COLUMN name;/, separateMigration: true },
      ],
    },
    {
      sql: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
      options: existing({ users: [['name', 'varchar(100)']] }),
      fix: [/^SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN full_name varchar\(100\);$/],
    },
    { sql: 'ALTER TABLE app.users RENAME name TO "Full Name";', fix: [/NEW\."Full Name"/] },
    // A column added by an earlier migration is known to deployed code.
    {
      sql: 'ALTER TABLE users RENAME COLUMN role_temp TO role;',
      options: existing({ users: [['role_temp', 'text']] }),
    },
  ],
  good: [
    { sql: 'CREATE TABLE users (name text);\nALTER TABLE users RENAME COLUMN name TO full_name;' },
    { sql: 'ALTER TABLE users RENAME TO people;' },
    { sql: 'ALTER TABLE users ADD COLUMN full_name text;' },
    { sql: 'ALTER VIEW user_names RENAME COLUMN name TO full_name;' },
    // langfuse: a type change by a temporary copy; no running code knows role_temp (drop-column reports the drop).
    {
      sql: 'ALTER TABLE users ADD COLUMN role_temp text;\nUPDATE users SET role_temp = role::text;\nALTER TABLE users DROP COLUMN role;\nALTER TABLE users RENAME COLUMN role_temp TO role;',
      options: existing({ users: [['role', 'int4']] }),
    },
    // The same on a table no history describes (a single file checked on its own).
    { sql: 'ALTER TABLE users ADD COLUMN role_temp text;\nALTER TABLE users RENAME COLUMN role_temp TO role;' },
  ],
});
