import type { ValidateOptions } from '../../../src/safety/engine.js';
import { existing, ruleCases } from './run.js';

const users: ValidateOptions = existing({
  users: [
    ['email', 'text'],
    ['id', 'int8', true],
  ],
});

ruleCases('set-not-null', {
  bad: [
    // Columns not known: the second SET NOT NULL of the same column finds it NOT NULL and scans nothing.
    {
      sql: 'ALTER TABLE accounts ALTER COLUMN name SET NOT NULL;\nALTER TABLE accounts ALTER COLUMN name SET NOT NULL;',
      count: 1,
    },
    {
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      fix: [
        /ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK \(email IS NOT NULL\) NOT VALID;/,
        { sql: /^ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;$/, separateMigration: true },
        { sql: /ALTER TABLE users ALTER COLUMN email SET NOT NULL;/, separateMigration: true },
        /^ALTER TABLE users DROP CONSTRAINT users_email_not_null;$/,
      ],
    },
    {
      sql: 'ALTER TABLE app."Users" ALTER COLUMN "Email" SET NOT NULL;',
      fix: [/ALTER TABLE app\."Users" ADD CONSTRAINT "Users_Email_not_null" CHECK \("Email" IS NOT NULL\) NOT VALID/],
    },
    { sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', options: { pgVersion: 11 }, fix: [/NOT VALID/] },
    // One ALTER, one scan, one finding: the CHECK steps of each column.
    {
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN id SET NOT NULL;',
      count: 1,
      fix: [/CHECK \(email IS NOT NULL\) NOT VALID;/, /CHECK \(id IS NOT NULL\) NOT VALID;/],
    },
    {
      // On PostgreSQL 11 even a validated CHECK does not spare the scan.
      sql: 'ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      options: { ...users, pgVersion: 11 },
    },
    {
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      options: { rowCounts: { users: 2_000_000 } },
      severity: 'error',
    },
    // Only the column that may hold NULLs is scanned for: id is NOT NULL already.
    {
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN id SET NOT NULL;',
      options: users,
      message: /^SET NOT NULL on users\.email scans/,
      fix: [/CHECK \(email IS NOT NULL\) NOT VALID;/],
    },
  ],
  good: [
    {
      sql: 'ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      options: users,
    },
    { sql: 'CREATE TABLE users (email text);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
    { sql: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;' },
    // Already NOT NULL (the restated `null: false` of Ecto's modify, Rails' change_column): PostgreSQL scans nothing.
    { sql: 'ALTER TABLE users ALTER COLUMN id SET NOT NULL;', options: users },
    { sql: 'CREATE TABLE t (a int NOT NULL);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;', options: users },
    { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;' },
  ],
});
