import { ruleCases } from './run.js';

ruleCases('prefer-jsonb', {
  bad: [
    { sql: 'ALTER TABLE events ADD COLUMN payload json;', fix: [/^ALTER TABLE events ADD COLUMN payload jsonb;$/] },
    {
      sql: 'CREATE TABLE events (id bigint, payload json NOT NULL, meta JSON);',
      count: 1,
      fix: [/^CREATE TABLE events \(id bigint, payload jsonb NOT NULL, meta jsonb\);$/],
    },
    {
      sql: 'ALTER TABLE events ALTER COLUMN payload TYPE json USING payload::json;',
      fix: [/ALTER COLUMN payload TYPE jsonb USING payload::json;/],
    },
    { sql: 'CREATE TABLE e (tags json[]);', fix: [/tags jsonb\[\]/] },
  ],
  good: [
    { sql: 'ALTER TABLE events ADD COLUMN payload jsonb;' },
    { sql: 'CREATE TABLE events (id bigint, payload jsonb);' },
    { sql: "SELECT '{}'::json;" },
    { sql: 'CREATE TABLE j (json text);' },
  ],
});
