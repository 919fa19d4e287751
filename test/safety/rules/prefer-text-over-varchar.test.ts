import { ruleCases } from './run.js';

ruleCases('prefer-text-over-varchar', {
  bad: [
    {
      sql: 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255));',
      severity: 'info',
      fix: [
        /^CREATE TABLE users \(id bigint PRIMARY KEY, email text CONSTRAINT users_email_length CHECK \(char_length\(email\) <= 255\)\);$/,
      ],
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN nick character varying(30);',
      fix: [
        /^ALTER TABLE users ADD COLUMN nick text;$/,
        /ADD CONSTRAINT users_nick_length CHECK \(char_length\(nick\) <= 30\) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_nick_length;/,
      ],
    },
    { sql: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(320);', fix: [/ALTER COLUMN email TYPE text;/] },
  ],
  good: [
    { sql: 'CREATE TABLE users (email text);' },
    { sql: 'CREATE TABLE users (email varchar);' },
    { sql: 'ALTER TABLE users ADD COLUMN code char(2);' },
  ],
});
