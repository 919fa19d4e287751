import { ruleCases } from './run.js';

ruleCases('prefer-robust-statements', {
  bad: [
    {
      sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
      severity: 'info',
      fix: [
        {
          sql: /^CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders \(user_id\);$/,
          outsideTransaction: true,
        },
      ],
    },
    {
      sql: 'CREATE TABLE notes (id bigint);\nCREATE INDEX notes_id_idx ON notes (id);',
      count: 1,
      fix: [/^CREATE TABLE IF NOT EXISTS notes \(id bigint\);$/],
    },
    {
      sql: 'DROP INDEX CONCURRENTLY orders_status_idx;\nSELECT 1;',
      fix: [/^DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;$/],
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN nickname text;\n-- then\nANALYZE users;',
      fix: [/^ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;$/],
    },
    { sql: 'ALTER TABLE users DROP legacy;\nSELECT 1;', fix: [/^ALTER TABLE users DROP COLUMN IF EXISTS legacy;$/] },
    {
      sql: 'ALTER TABLE users DROP CONSTRAINT users_x_check;\nSELECT 1;',
      fix: [/DROP CONSTRAINT IF EXISTS users_x_check;/],
    },
    // A concurrent build that fails leaves an INVALID index of its name: even as the last statement it reruns.
    { sql: 'SELECT 1;\nCREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email); -- done' },
  ],
  good: [
    { sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);' },
    { sql: 'BEGIN;\nCREATE TABLE notes (id bigint);\nCOMMIT;' },
    { sql: 'CREATE TABLE notes (id bigint);', options: { assumeInTransaction: true } },
    { sql: 'DROP TABLE IF EXISTS notes;' },
    { sql: 'ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;' },
    { sql: "ALTER TABLE users ALTER COLUMN nickname SET DEFAULT 'x';" },
    // cal.com's one-statement Prisma migrations: a failed statement changes nothing, so a rerun starts clean.
    { sql: 'ALTER TABLE "EventType" ADD COLUMN "hidden" BOOLEAN NOT NULL DEFAULT false;' },
    // Only the last statement is spared: comments and semicolons after it are no statement.
    {
      sql: 'CREATE TABLE IF NOT EXISTS a (id int);\nALTER TABLE a ADD COLUMN IF NOT EXISTS b int;\nDROP TABLE c; /* done */ ;\n-- end',
    },
  ],
});
