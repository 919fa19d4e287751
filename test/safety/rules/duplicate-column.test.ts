import { ruleCases } from './run.js';

ruleCases('duplicate-column', {
  bad: [
    { sql: 'CREATE TABLE a (id bigint, id bigint);', severity: 'error', noFix: true },
    { sql: 'UPDATE users SET name = 1, name = 2 WHERE id = 1;', noFix: true },
    { sql: 'CREATE TABLE a (id bigint, name text, "name" text);', noFix: true },
  ],
  good: [
    { sql: 'CREATE TABLE a (id bigint, name text);' },
    { sql: 'UPDATE users SET name = 1, email = 2 WHERE id = 1;' },
    { sql: 'CREATE TABLE a (name text, "Name" text);' },
  ],
});
