import { describe, expect, it } from 'vitest';
import { loadMigrationInputs } from '../../src/safety/migration-inputs.js';
import { checkSqlInputs } from '../../src/safety/run.js';
import { tempProject } from '../helpers/temp-project.js';

/**
 * Several files of one folder checked together (a pull request's new migrations, a pre-commit check of staged
 * files): each is checked against the schema as it stands just before it, never with a later migration applied.
 */

const project = tempProject('dma-several-');
project.write('migrations/1_a.up.sql', 'CREATE TABLE a (id int PRIMARY KEY);\n');
project.write('migrations/1_a.down.sql', 'DROP TABLE a;\n');
project.write(
  'migrations/2_b.up.sql',
  'CREATE TABLE b (id int, a_id int, CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES a (id));\n',
);
project.write('migrations/2_b.down.sql', 'DROP TABLE b;\n');
project.write('migrations/3_c.up.sql', 'CREATE TABLE c (id int);\n');
project.write('migrations/3_c.down.sql', 'DROP TABLE c;\n');
project.write('migrations/4_drop_fk.up.sql', 'ALTER TABLE b DROP CONSTRAINT b_a_fk;\n');
project.write(
  'migrations/4_drop_fk.down.sql',
  'ALTER TABLE b ADD CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES a (id);\n',
);
// A down file without its up, after the checked files: not an earlier migration of either.
project.write('migrations/9_orphan.down.sql', 'DROP TABLE z;\n');

async function check(paths: string[]) {
  const loaded = await loadMigrationInputs(project.root, paths);
  return { loaded, result: await checkSqlInputs(loaded.inputs, { root: project.root, history: loaded.history }) };
}

describe('several files of one folder', () => {
  it('are checked in apply order, each after the migrations between them and never after a later one', async () => {
    const { loaded, result } = await check(['migrations/4_drop_fk.up.sql', 'migrations/2_b.up.sql']);
    expect(loaded.inputs.map((input) => input.file)).toEqual(['migrations/2_b.up.sql', 'migrations/4_drop_fk.up.sql']);
    // Only 1_a is history; 3_c runs between the two checked files.
    expect(loaded.history.map((earlier) => earlier.file)).toEqual(['migrations/1_a.up.sql']);
    expect(loaded.inputs[1]?.before?.map((earlier) => earlier.file)).toEqual(['migrations/3_c.up.sql']);
    const dropFk = result.files.find((file) => file.file === 'migrations/4_drop_fk.up.sql');
    // Dropping the foreign key 2_b created locks the referenced table too (PostgreSQL 15: ACCESS EXCLUSIVE on a).
    const locked = dropFk?.locks.flatMap((statement) => statement.locks.map((lock) => lock.table));
    expect(locked).toEqual(expect.arrayContaining(['b', 'a']));
    // 2_b creates b: it does not exist yet when 2_b is checked (a later migration's schema would say it does).
    const createsB = result.files.find((file) => file.file === 'migrations/2_b.up.sql');
    expect(createsB?.findings.map((finding) => finding.ruleId)).not.toContain('unknown-table');
  });

  it('says only what could not be read before the first checked file', async () => {
    const { loaded } = await check(['migrations/4_drop_fk.up.sql']);
    expect(loaded.notes.join('\n')).not.toMatch(/9_orphan.*earlier migration/);
  });

  it('checks a file once when its folder is named too, or the file twice', async () => {
    const files = [
      'migrations/1_a.up.sql',
      'migrations/2_b.up.sql',
      'migrations/3_c.up.sql',
      'migrations/4_drop_fk.up.sql',
    ];
    for (const paths of [
      ['migrations', 'migrations/2_b.up.sql'],
      ['migrations/2_b.up.sql', 'migrations'],
      ['./migrations/', 'migrations/2_b.up.sql'],
    ]) {
      const { loaded } = await check(paths);
      expect(loaded.inputs.map((input) => input.file)).toEqual(files);
    }
    const { loaded } = await check(['migrations/2_b.up.sql', './migrations/2_b.up.sql']);
    expect(loaded.inputs.map((input) => input.file)).toEqual(['migrations/2_b.up.sql']);
  });
});
