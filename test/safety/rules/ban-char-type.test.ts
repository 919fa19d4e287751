import { ruleCases } from './run.js';

ruleCases('ban-char-type', {
  bad: [
    {
      sql: 'CREATE TABLE countries (code char(2) PRIMARY KEY);',
      fix: [/^CREATE TABLE countries \(code text PRIMARY KEY\);$/],
    },
    { sql: 'ALTER TABLE t ADD COLUMN flag character(1);', fix: [/ADD COLUMN flag text;/] },
    { sql: 'CREATE TABLE t (a char, b varchar(3));', fix: [/\(a text, b varchar\(3\)\)/] },
  ],
  good: [
    { sql: 'CREATE TABLE countries (code text PRIMARY KEY);' },
    { sql: 'CREATE TABLE t (a varchar(3));' },
    { sql: "SELECT 'a'::char(1);" },
  ],
});
