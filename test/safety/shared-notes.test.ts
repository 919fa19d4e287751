import { describe, expect, it } from 'vitest';
import { checkSqlInputs } from '../../src/safety/run.js';

describe('notes many files share', () => {
  it('are said once with the number of files; a note of one or two files keeps their paths', async () => {
    const outside = 'multi-dialect-sql runs it outside a transaction (checked that way).';
    const inputs = [
      ...['a', 'b', 'c', 'd'].map((name) => ({
        file: `db/${name}.sqlite3.up.sql`,
        sql: `CREATE TABLE ${name} (id INTEGER PRIMARY KEY)`,
        notes: [outside],
      })),
      { file: 'db/e.sqlite3.up.sql', sql: 'CREATE TABLE e (id INTEGER PRIMARY KEY)', notes: ['read with Env=prod'] },
    ];
    const result = await checkSqlInputs(inputs, { engine: 'sqlite' });
    expect(result.notes).toContain(`4 files (db/a.sqlite3.up.sql, db/b.sqlite3.up.sql …): ${outside}`);
    expect(result.notes).toContain('db/e.sqlite3.up.sql: read with Env=prod');
    expect(result.notes.filter((note) => note.includes(outside))).toHaveLength(1);
  });
});
