import { describe, expect, it } from 'vitest';
import { loadMigrationInputs } from '../../src/safety/migration-inputs.js';
import { checkSqlInputs } from '../../src/safety/run.js';
import { tempProject } from '../helpers/temp-project.js';

/**
 * golang-migrate (like Prisma and plain SQL runners) sends a migration file as one query. PostgreSQL runs the
 * statements before the file's own BEGIN in that transaction and those after a COMMIT in a new implicit one, so
 * their locks are held together (checked on PostgreSQL 15: a rewrite before BEGIN still holds ACCESS EXCLUSIVE
 * inside the block; an error inside the block rolls it back).
 */

const project = tempProject('dma-one-query-');
project.write(
  'migrations/1_tables.up.sql',
  'CREATE TABLE a (id int PRIMARY KEY, x int);\nCREATE TABLE b (id int PRIMARY KEY, y int);\n',
);
project.write('migrations/1_tables.down.sql', 'DROP TABLE b;\nDROP TABLE a;\n');
project.write(
  'migrations/2_bigint.up.sql',
  [
    'ALTER TABLE a ALTER COLUMN id TYPE bigint;',
    'BEGIN;',
    'ALTER TABLE b ALTER COLUMN id TYPE bigint;',
    'COMMIT;',
    'ALTER TABLE a ADD COLUMN z int;',
    'ALTER TABLE b ALTER COLUMN y TYPE bigint;',
    '',
  ].join('\n'),
);
project.write('migrations/2_bigint.down.sql', 'ALTER TABLE b ALTER COLUMN y TYPE int;\n');
// The down file repeats the up file's first statements at the same offsets: each is still checked in the up.
project.write(
  'migrations/3_drop.up.sql',
  'BEGIN;\nALTER TABLE a DROP CONSTRAINT IF EXISTS a_x_key;\nALTER TABLE a DROP COLUMN x;\nCOMMIT;\n',
);
project.write(
  'migrations/3_drop.down.sql',
  'BEGIN;\nALTER TABLE a DROP CONSTRAINT IF EXISTS a_x_key;\nALTER TABLE a ADD COLUMN x int;\nCOMMIT;\n',
);

async function checked() {
  const loaded = await loadMigrationInputs(project.root, ['migrations']);
  expect(loaded.errors).toEqual([]);
  return { loaded, result: await checkSqlInputs(loaded.inputs, { root: project.root }) };
}

describe('a file sent as one query that opens its own transaction', () => {
  it('holds what precedes BEGIN in that transaction and runs what follows COMMIT in a new implicit one', async () => {
    const { result } = await checked();
    const file = result.files.find((each) => each.file === 'migrations/2_bigint.up.sql');
    const ids = (file?.findings ?? []).map((finding) => `${finding.ruleId}@${finding.span.start.line}`);
    // Line 3 runs while a's rewrite (line 1) still holds ACCESS EXCLUSIVE; line 6 while line 5's lock on a does.
    expect(ids).toContain('statement-after-access-exclusive@3');
    expect(ids).toContain('statement-after-access-exclusive@6');
    // A BEGIN in the implicit block opens no nested transaction.
    expect(ids.filter((id) => id.startsWith('transaction-nesting'))).toEqual([]);
    expect(result.notes.join('\n')).toMatch(
      /sends the file as one query: PostgreSQL runs the statements before its BEGIN/,
    );
  });

  it('a BEGIN never committed is still reported', async () => {
    const result = await checkSqlInputs(
      [{ file: 'open.sql', sql: 'CREATE TABLE c (id int);\nBEGIN;\nCREATE TABLE d (id int);\n', oneQuery: true }],
      {},
    );
    expect(result.files[0]?.findings.map((finding) => finding.ruleId)).toContain('transaction-nesting');
  });
});

describe('a down file of its own', () => {
  it('never blanks the up statements it repeats at the same offsets', async () => {
    const { loaded, result } = await checked();
    const input = loaded.inputs.find((each) => each.file === 'migrations/3_drop.up.sql');
    expect(input?.sql).toContain('ALTER TABLE a DROP CONSTRAINT IF EXISTS a_x_key;');
    expect(input?.sql).toMatch(/^BEGIN;/);
    const file = result.files.find((each) => each.file === 'migrations/3_drop.up.sql');
    expect(file?.statementCount).toBe(4);
    expect(file?.findings.map((finding) => finding.ruleId)).toContain('drop-column');
  });
});
