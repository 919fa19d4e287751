import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { validatePostgres } from '../../src/safety/engine.js';
import { LineIndex } from '../../src/sql/positions.js';
import { parsePostgres } from '../../src/sql/postgres.js';

const FRAGMENTS = [
  'CREATE TABLE t (id int)',
  'ALTER TABLE t ADD COLUMN a text',
  'DROP TABLE t',
  'SELECT 1',
  ';',
  ';;',
  "'",
  '"',
  '$$',
  '$x$',
  '--',
  '/*',
  '*/',
  '\n',
  ' ',
  '(',
  ')',
  'BEGIN',
  'COMMIT',
  'CREATE INDEX CONCURRENTLY i ON t (a)',
  'é',
  '🚀',
  'SET lock_timeout = 0',
  'DO $$ BEGIN END $$',
  'NOT VALID',
  'REFERENCES u (id)',
  "E'\\'",
  '\t',
  '\r\n',
  'ÿ',
  '\u0000',
];

/** The parser front door either parses or reports a UserError at a real line:column of the input. */
async function frontDoorHolds(sql: string): Promise<void> {
  try {
    const statements = await parsePostgres(sql, 'fuzz.sql');
    for (const statement of statements)
      expect(sql.slice(statement.offset.start, statement.offset.end)).toBe(statement.sql);
    await validatePostgres(sql, { file: 'fuzz.sql' });
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    const where = (error as UserError).where;
    expect(where?.file).toBe('fuzz.sql');
    const lines = new LineIndex(sql);
    const line = where?.line ?? 0;
    const column = where?.column ?? 0;
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(sql.split('\n').length);
    expect(column).toBeGreaterThanOrEqual(1);
    expect(column).toBeLessThanOrEqual(lines.lineText(line).length + 2);
  }
}

describe('parser front door (property)', () => {
  it('random strings never crash it', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200, unit: 'binary' }), frontDoorHolds), { numRuns: 400 });
  });

  it('random SQL-like fragment sequences never crash it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 25 }), (parts) =>
        frontDoorHolds(parts.join('')),
      ),
      { numRuns: 400 },
    );
  });
});
