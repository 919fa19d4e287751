import { describe, expect, it } from 'vitest';
import { loadMigrationInputs } from '../../src/safety/migration-inputs.js';
import { checkSqlInputs } from '../../src/safety/run.js';
import { tempProject } from '../helpers/temp-project.js';

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

  it('one note for every file sent as one implicit transaction, however many statements each has', async () => {
    // windmill-labs/windmill: 205 golang-migrate style files drew 23 notes that differed only in that count.
    const project = tempProject('dma-shared-notes-');
    for (const [version, statements] of [
      [1, 2],
      [2, 3],
      [3, 2],
      [4, 4],
    ] as const) {
      const sql = Array.from({ length: statements }, (_, n) => `CREATE TABLE t${version}_${n} (id bigint);`);
      project.write(`migrations/${version}_step.up.sql`, sql.join('\n'));
    }
    const loaded = await loadMigrationInputs(project.root, ['migrations']);
    const result = await checkSqlInputs(loaded.inputs, { root: project.root });
    const implicit = result.notes.filter((note) => note.includes('as one implicit transaction'));
    expect(implicit).toHaveLength(1);
    expect(implicit[0]).toMatch(/^4 files \(migrations\/1_step\.up\.sql, migrations\/2_step\.up\.sql …\)/);
  });
});
