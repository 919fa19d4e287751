import { describe, expect, it } from 'vitest';
import { findingsOf, ruleCases } from './run.js';

ruleCases('combine-alter-table', {
  bad: [
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;\nCOMMIT;',
      severity: 'info',
      fix: [/^ALTER TABLE users ADD COLUMN a text,\n {2}ADD COLUMN b text;$/],
    },
    {
      sql: "ALTER TABLE app.users ADD COLUMN a text;\nALTER TABLE app.users ALTER COLUMN a SET DEFAULT 'x';",
      options: { assumeInTransaction: true },
      fix: [/^ALTER TABLE app\.users ADD COLUMN a text,\n {2}ALTER COLUMN a SET DEFAULT 'x';$/],
    },
    // A statement on another table between them does not keep the two apart.
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nUPDATE orders SET x = 1;\nALTER TABLE users ADD COLUMN b text;\nCOMMIT;',
      fix: [/^ALTER TABLE users ADD COLUMN a text,\n {2}ADD COLUMN b text;$/],
    },
    {
      sql: 'BEGIN;\nALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b int;\nALTER TABLE t ADD COLUMN c int;\nCOMMIT;',
      // One finding for the three: one problem, one merged statement.
      count: 1,
      fix: [/^ALTER TABLE t ADD COLUMN a int,\n {2}ADD COLUMN b int,\n {2}ADD COLUMN c int;$/],
    },
  ],
  good: [
    { sql: 'ALTER TABLE users ADD COLUMN a text, ADD COLUMN b text;' },
    // The backfill between them has to run after the first and before the second.
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nUPDATE users SET a = 1 WHERE a IS NULL;\nALTER TABLE users ALTER COLUMN a SET NOT NULL;\nCOMMIT;',
    },
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCREATE INDEX users_a_idx ON users (a);\nALTER TABLE users ADD CONSTRAINT users_a_key UNIQUE USING INDEX users_a_idx;\nCOMMIT;',
    },
    { sql: 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;' },
    { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;\nCOMMIT;' },
    {
      sql: 'BEGIN;\nCREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b int;\nCOMMIT;',
    },
    // The table is locked earlier in the second transaction, but its only other ALTER TABLE was in the first.
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nCOMMIT;\nBEGIN;\nLOCK TABLE users IN ACCESS EXCLUSIVE MODE;\nALTER TABLE users ADD COLUMN b text;\nCOMMIT;',
    },
  ],
});

describe('combine-alter-table: one finding per run of ALTER TABLEs', () => {
  it('points at the first statement of the run and names its lines', async () => {
    const sql = [
      'BEGIN;',
      'ALTER TABLE registry ADD COLUMN a int;',
      'ALTER TABLE registry RENAME COLUMN b TO c;',
      'ALTER TABLE registry ALTER COLUMN c TYPE bigint;',
      'ALTER TABLE registry ADD COLUMN d int;',
      'ALTER TABLE registry DROP COLUMN e;',
      'COMMIT;',
    ].join('\n');
    // The rename ends the first run: the ALTER after it names the column by its new name.
    const [finding, ...rest] = await findingsOf('combine-alter-table', sql);
    expect(rest).toEqual([]);
    expect(finding?.statementIndex).toBe(3);
    expect(finding?.message).toBe(
      'registry is altered by 3 ALTER TABLE statements in one transaction (lines 4–6); merge their actions into one so the table is locked, scanned or rewritten once.',
    );
    expect(finding?.fix?.steps.map((step) => step.sql)).toEqual([
      'ALTER TABLE registry ALTER COLUMN c TYPE bigint,\n  ADD COLUMN d int,\n  DROP COLUMN e;',
    ]);
  });
});
