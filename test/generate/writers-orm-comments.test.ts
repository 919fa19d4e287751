import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MigrationDraft } from '../../src/generate/types.js';
import type { ToolName } from '../../src/project/types.js';
import { writeAlembic } from '../../src/sources/formats/alembic-write.js';
import { writeDjango } from '../../src/sources/formats/django-write.js';
import { writeDrizzle } from '../../src/sources/formats/drizzle-write.js';
import { writePrisma } from '../../src/sources/formats/prisma-write.js';
import { readMigrations } from '../../src/sources/index.js';
import { fixtureCopy, scanOf, writeContext, writeFiles } from './writers-orm-helpers.js';

/** A caller's multi-line sentence and a statement ending in a comment: neither may change what the file does. */
const draft: MigrationDraft = {
  name: 'backfill_order_totals',
  engine: 'postgresql',
  transactional: true,
  changes: [],
  up: ['UPDATE orders SET total = 0 WHERE total IS NULL -- rows from before totals\', "x"', 'SELECT 1'],
  down: ['SELECT 2 -- nothing to undo'],
  applicationChange: 'Deploy the reader first.\nThen """ the writer \\ too.',
};

const now = new Date(Date.UTC(2026, 11, 6, 12, 0, 0));

describe.each([
  ['prisma', 'generate-prisma', writePrisma],
  ['drizzle', 'generate-drizzle-pg', writeDrizzle],
  ['alembic', 'generate-alembic', writeAlembic],
  ['django', 'generate-django', writeDjango],
] as const)('%s writer: comments and line breaks stay inert', (tool, fixture, write) => {
  const { root, cleanup } = fixtureCopy(fixture);
  afterAll(cleanup);

  it('keeps every line of the application change commented and every `;` outside a comment', async () => {
    const files = write(draft, scanOf(root, tool as ToolName), writeContext(root, now));
    const migration = files.find(
      (file) => !file.edit && !file.path.endsWith('down.sql') && !/snapshot/.test(file.path),
    )!;
    expect(migration.text).toContain('Deploy the reader first.');
    if (tool === 'prisma' || tool === 'drizzle') {
      expect(migration.text).toContain(
        '-- Before this runs: Deploy the reader first.\n-- Then """ the writer \\ too.\n',
      );
      expect(migration.text).toContain(`-- rows from before totals', "x"\n;`);
      writeFiles(root, files);
      const { migrations, errors } = await readMigrations(root, { format: tool });
      expect(errors).toEqual([]);
      expect(migrations.at(-1)?.up.map((statement) => statement.sql.replace(/\s*;$/, '').trim())).toEqual(draft.up);
    } else {
      writeFiles(root, files);
      execFileSync('python3', ['-m', 'py_compile', path.join(root, migration.path)], { stdio: 'pipe' });
    }
  });
});
