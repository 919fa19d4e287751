import { ruleCases } from './run.js';

ruleCases('require-statement-timeout', {
  bad: [
    {
      sql: 'ALTER TABLE users ADD COLUMN nickname text;',
      severity: 'info',
      fix: [/^SET statement_timeout = '15min';$/],
    },
    { sql: "SET lock_timeout = '5s';\nCREATE INDEX users_name_idx ON users (name);" },
    { sql: 'VACUUM FULL users;' },
  ],
  good: [
    { sql: "SET statement_timeout = '15min';\nALTER TABLE users ADD COLUMN nickname text;" },
    { sql: 'CREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN x int;' },
    { sql: 'CREATE INDEX CONCURRENTLY users_name_idx ON users (name);' },
  ],
});
