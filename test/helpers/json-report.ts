import { ENGINE_RULES } from '../../src/safety/builtin.js';
import { RULES } from '../../src/safety/rules/index.js';

/** Shared by the `--format json` tests: every rule's metadata, and two small migrations with findings and locks. */

export const METAS = new Map([
  ...RULES.map((rule) => [rule.meta.id, rule.meta] as const),
  ...ENGINE_RULES.map((meta) => [meta.id, meta] as const),
]);

export const TWO_FILES = [
  {
    file: 'one.sql',
    sql: `CREATE TABLE accounts (id bigint PRIMARY KEY, owner_id bigint REFERENCES users (id));
CREATE INDEX accounts_owner_idx ON users (email);
ALTER TABLE users ALTER COLUMN name TYPE varchar(100);`,
  },
  { file: 'two.sql', sql: 'ALTER TABLE accounts DROP COLUMN owner_id;\nREFRESH MATERIALIZED VIEW users;' },
];

export const TWO_FILES_OPTIONS = { rowCounts: { users: 5_000_000 } };
