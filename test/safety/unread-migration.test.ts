import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-project.js';

/**
 * A history where one migration cannot be read: the migrations after it start from a schema that is not fully
 * known, so "this table / column does not exist" is no longer a fact (teslamate: an Ecto migration the reader does
 * not translate adds addresses.geofence_id; a later one that drops it was reported as an unknown column).
 */
const { root, write } = tempProject('dma-unread-');

write('prisma/schema.prisma', 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n');
write('prisma/migrations/migration_lock.toml', 'provider = "postgresql"\n');
write('prisma/migrations/001_init/migration.sql', 'CREATE TABLE t (id bigint PRIMARY KEY, a int);\n');
// Unreadable (a syntax error): it adds t.b and creates u, which the next migrations use.
write(
  'prisma/migrations/002_more/migration.sql',
  'ALTER TABLE t ADD COLUMN b int;\nCREATE TABLE u (id bigint) oops;\n',
);
write(
  'prisma/migrations/003_use/migration.sql',
  'ALTER TABLE t ALTER COLUMN b SET NOT NULL;\nALTER TABLE u ADD COLUMN c int;\nALTER TABLE t DROP COLUMN nope_a;\n',
);

interface Result {
  files: Array<{ file: string; findings: Array<{ ruleId: string; message: string }> }>;
  errors: Array<{ code: string; where?: { file?: string } }>;
}

describe('the migrations after one that could not be read', () => {
  it('claim no missing table or column: the unread migration may have made them', async () => {
    const { out } = await runCli(['check', '--format', 'json'], { cwd: root });
    const result = JSON.parse(out) as Result;
    expect(result.errors.map((error) => error.where?.file)).toEqual(['prisma/migrations/002_more/migration.sql']);
    const third = result.files.find((file) => file.file === 'prisma/migrations/003_use/migration.sql');
    expect(third?.findings.filter((finding) => /^unknown-(table|column)$/.test(finding.ruleId))).toEqual([]);
  });

  it('still claims them when the history before is complete', async () => {
    write('prisma/migrations/002_more/migration.sql', 'ALTER TABLE t ADD COLUMN b int;\nCREATE TABLE u (id bigint);\n');
    const { out } = await runCli(['check', '--format', 'json'], { cwd: root });
    const third = (JSON.parse(out) as Result).files.find((file) => file.file.includes('003_use'));
    expect(third?.findings.filter((finding) => finding.ruleId === 'unknown-column').map((f) => f.message)).toEqual([
      expect.stringContaining('Column nope_a does not exist in table t'),
    ]);
  });
});

describe('the migrations before one that could not be read', () => {
  const { root: project, write: put } = tempProject('dma-unread-before-');
  put('prisma/schema.prisma', 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n');
  put('prisma/migrations/migration_lock.toml', 'provider = "postgresql"\n');
  put('prisma/migrations/001_init/migration.sql', 'CREATE TABLE t (id bigint PRIMARY KEY, a int);\n');
  put('prisma/migrations/002_index/migration.sql', 'CREATE INDEX IF NOT EXISTS missing_a_idx ON missing (a);\n');
  put('prisma/migrations/003_broken/migration.sql', 'CREATE TABLE u (id bigint) oops;\n');
  put('prisma/migrations/004_index/migration.sql', 'CREATE INDEX IF NOT EXISTS u_id_idx ON u (id);\n');

  it('still start from a known schema: a table none of them created is reported missing', async () => {
    const { out } = await runCli(['check', '--format', 'json'], { cwd: project });
    const result = JSON.parse(out) as Result;
    const unknownIn = (name: string) =>
      result.files
        .find((file) => file.file.includes(name))
        ?.findings.filter((finding) => finding.ruleId === 'unknown-table')
        .map((finding) => finding.message);
    expect(unknownIn('002_index')).toEqual([expect.stringContaining('missing')]);
    expect(unknownIn('004_index')).toEqual([]);
  });
});
