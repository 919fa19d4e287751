import type { RuleMeta } from './types.js';

/**
 * Findings the engine itself produces (not rules in src/safety/rules/): references to objects that do not
 * exist, long locks on large tables (seed rule 8) and ignore comments naming unknown rules. They have metadata
 * like rules so they appear in the rule catalog, the docs and `check --explain`.
 */

export const UNKNOWN_TABLE: RuleMeta = {
  id: 'unknown-table',
  title: 'Statement refers to a table that does not exist',
  category: 'careful',
  defaultSeverity: 'error',
  engines: ['postgresql'],
  locks: [],
  rewritesTable: false,
  scansTable: false,
  breaksOldCode: false,
  why: 'The table is neither in the schema snapshot, nor created by an earlier migration, nor earlier in this file, so the statement fails when the migration runs (often a typo, a missing schema or migrations out of order). Reported only when a snapshot or migration history was given.',
  safeAlternative:
    'Correct the table name or schema, or order the migrations so the table is created first; use IF EXISTS where the table may legitimately be absent.',
  examples: {
    bad: '-- history: CREATE TABLE users (id bigint PRIMARY KEY);\nALTER TABLE usres ADD COLUMN email text;',
    good: '-- history: CREATE TABLE users (id bigint PRIMARY KEY);\nALTER TABLE users ADD COLUMN email text;',
  },
};

export const UNKNOWN_COLUMN: RuleMeta = {
  id: 'unknown-column',
  title: 'Statement refers to a column that does not exist',
  category: 'careful',
  defaultSeverity: 'error',
  engines: ['postgresql'],
  locks: [],
  rewritesTable: false,
  scansTable: false,
  breaksOldCode: false,
  why: 'The table is known with all its columns (created in this migration, an earlier one, or described by the snapshot) and the column is not among them, so the statement fails when the migration runs.',
  safeAlternative:
    'Correct the column name, or add the column in an earlier statement; use DROP COLUMN IF EXISTS where it may legitimately be absent.',
  examples: {
    bad: 'CREATE TABLE accounts (id bigint PRIMARY KEY, name text);\nCREATE INDEX accounts_email_idx ON accounts (email);',
    good: 'CREATE TABLE accounts (id bigint PRIMARY KEY, name text, email text);\nCREATE INDEX accounts_email_idx ON accounts (email);',
  },
};

export const DYNAMIC_SQL: RuleMeta = {
  id: 'dynamic-sql',
  title: 'DO block runs SQL built at run time',
  category: 'careful',
  defaultSeverity: 'info',
  engines: ['postgresql'],
  locks: [],
  rewritesTable: false,
  scansTable: false,
  breaksOldCode: false,
  why: 'EXECUTE of a string built when the block runs (format(), concatenation) cannot be read before it runs: its locks and hazards are not checked, and what it changes in the schema is unknown from there, so no later statement is reported as naming a missing table or column. The statements a DO block writes out, and EXECUTE of a constant string, are checked like any other.',
  safeAlternative:
    'Write the statements out in the migration (or EXECUTE a constant string) so they can be checked, or check the SQL the block generates on its own.',
  examples: {
    bad: "DO $$ BEGIN EXECUTE format('ALTER TABLE %I ADD COLUMN tenant_id bigint', 'orders'); END $$;",
    good: 'ALTER TABLE orders ADD COLUMN tenant_id bigint;',
  },
};

export const LARGE_TABLE_LOCK: RuleMeta = {
  id: 'large-table-lock',
  title: 'Long blocking lock on a large table',
  category: 'careful',
  defaultSeverity: 'error',
  engines: ['postgresql'],
  locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
  rewritesTable: false,
  scansTable: true,
  breaksOldCode: false,
  why: 'The statement holds a lock that blocks reads or writes while it scans, indexes or rewrites a table with at least the large-table threshold of rows (default 1,000,000), so traffic to that table stops for the estimated duration. Reported when no other finding on the statement already covers that table.',
  safeAlternative:
    'Use the online form of the operation (CREATE INDEX CONCURRENTLY; NOT VALID then VALIDATE; add a nullable column and backfill in batches; expand/contract for type changes), set lock_timeout, and run it at a quiet time after rehearsing on a copy of production data.',
  examples: {
    bad: "-- rows: events=25000000\nALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind <> '');",
    good: "-- rows: events=25000000\nALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind <> '') NOT VALID;\n-- next migration:\nALTER TABLE events VALIDATE CONSTRAINT events_kind_check;",
  },
};

export const UNKNOWN_IGNORE: RuleMeta = {
  id: 'unknown-ignore',
  title: 'Ignore comment names a rule that does not exist',
  category: 'safe',
  defaultSeverity: 'warning',
  engines: ['postgresql'],
  locks: [],
  rewritesTable: false,
  scansTable: false,
  breaksOldCode: false,
  why: "A `-- dma-ignore` or `-- dma-ignore-file` comment names a rule id that no rule has (often a typo or a peer tool's name), so it silences nothing and the reader is misled.",
  safeAlternative:
    'Use an id from `db-migration-agent check --explain <rule>` or the rule catalog (docs/rules/README.md).',
  examples: {
    bad: '-- dma-ignore require-concurrent-index\nCREATE INDEX orders_user_idx ON orders (user_id);',
    good: '-- dma-ignore require-concurrent-index-creation orders is empty at this point\nCREATE INDEX orders_user_idx ON orders (user_id);',
  },
};

export const ENGINE_RULES: readonly RuleMeta[] = [
  UNKNOWN_TABLE,
  UNKNOWN_COLUMN,
  DYNAMIC_SQL,
  LARGE_TABLE_LOCK,
  UNKNOWN_IGNORE,
];
