import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolName } from '../../src/project/types.js';
import { mysqlAvailable } from '../helpers/databases.js';
import { toolPython as findToolPython } from '../helpers/tool-python.js';
import { type MatrixEngine, projectFiles } from './engine-matrix-projects.js';
import {
  applyAll,
  difference,
  engineDatabases,
  engineLabel,
  generateMatrix,
  generateParent,
  intendedSchema,
  NOTE,
  PARENT,
  projectOf,
  readBack,
  removeProjects,
} from './engine-matrix-support.js';

/**
 * The generate matrix on MariaDB and SQLite: for every format whose tool runs on the engine, one change list that
 * the planner splits into several drafts there (a new table with a foreign key to an existing table, an index on
 * that table, a NOT NULL on an existing column, filled from a default in a backfill of its own), generated into a
 * tiny project of the format. The new migrations are read back by our reader and run with the tool's semantics:
 * up gives the schema the drafts' own SQL gives, down gives back the schema before them, up again the same schema.
 */

const mysql = await mysqlAvailable();
const databases = engineDatabases();
beforeAll(() => databases.open(mysql.available));
afterAll(() => databases.close());
afterAll(removeProjects);

interface EngineCase {
  tool: ToolName;
  engines: MatrixEngine[];
  /** The tool keeps no down file (Drizzle): the down in the generate result is what rolls back. */
  downInResult?: boolean;
  /** The reader cannot tell a migration that runs outside a transaction (Kysely's migrator decides per run). */
  transactionUnknown?: boolean;
  /** Python migrations: read by running the project's Python (alembic / Django importable). */
  python?: boolean;
}

const SQL_FORMATS: EngineCase[] = [
  { tool: 'golang-migrate', engines: ['mysql', 'sqlite'] },
  { tool: 'goose', engines: ['mysql', 'sqlite'] },
  { tool: 'dbmate', engines: ['mysql', 'sqlite'] },
  { tool: 'sql-migrate', engines: ['mysql', 'sqlite'] },
  { tool: 'flyway', engines: ['mysql', 'sqlite'] },
  { tool: 'diesel', engines: ['mysql', 'sqlite'] },
  { tool: 'sqitch', engines: ['mysql', 'sqlite'] },
  { tool: 'liquibase', engines: ['mysql', 'sqlite'] },
  { tool: 'multi-dialect-sql', engines: ['mysql', 'sqlite'] },
  { tool: 'atlas', engines: ['mysql', 'sqlite'], downInResult: true },
  { tool: 'prisma', engines: ['mysql', 'sqlite'] },
  { tool: 'drizzle', engines: ['mysql', 'sqlite'], downInResult: true },
];

/** Code migrations, read by running them (executeProjectCode) as generate_migration reads them. */
const CODE_FORMATS: EngineCase[] = [
  { tool: 'knex', engines: ['mysql', 'sqlite'] },
  { tool: 'kysely', engines: ['mysql', 'sqlite'], transactionUnknown: true },
  { tool: 'typeorm', engines: ['mysql', 'sqlite'] },
  // Not on SQLite: Sequelize's sqlite dialect needs the sqlite3 package, which is not installed.
  { tool: 'sequelize', engines: ['mysql'] },
  { tool: 'mikro-orm', engines: ['mysql', 'sqlite'] },
  { tool: 'db-migrate', engines: ['mysql', 'sqlite'] },
  // Alembic and Django read by running the project's Python (their SQLite fixtures): SQLite only here.
  { tool: 'alembic', engines: ['sqlite'], python: true },
  { tool: 'django', engines: ['sqlite'], python: true },
];

const toolPython = findToolPython('alembic.config, django.core.management', 'alembic/django in the engine matrix');

/** The project to generate into: a tiny one of the format, or the Python fixtures with their Python linked in. */
function projectFor(tool: ToolName, engine: MatrixEngine, python: boolean | undefined): string {
  if (!python) return projectOf(projectFiles(tool, engine));
  const root = projectOf({});
  cpSync(path.join(import.meta.dirname, '..', 'fixtures', `generate-${tool}`), root, { recursive: true });
  mkdirSync(path.join(root, '.venv/bin'), { recursive: true });
  symlinkSync(toolPython!, path.join(root, '.venv/bin/python'));
  return root;
}

for (const engine of ['mysql', 'sqlite'] as const) {
  describe(`generate_migration on ${engineLabel(engine)}: every SQL format, read back and run as its tool runs it`, () => {
    const cases = [...SQL_FORMATS, ...CODE_FORMATS].filter((item) => item.engines.includes(engine));
    for (const { tool, downInResult, transactionUnknown, python } of cases) {
      const skip = (engine === 'mysql' && !mysql.available) || (python && !toolPython);
      it.skipIf(skip)(tool, { timeout: 120_000 }, async () => {
        const code = CODE_FORMATS.some((item) => item.tool === tool);
        const root = projectFor(tool, engine, python);
        await generateParent(root, engine, code);
        const result = await generateMatrix(root, engine, code);
        expect(result.format).toBe(tool);
        const { older, tail } = await readBack(root, engine, result, code);
        if (transactionUnknown)
          tail.forEach((migration, index) => {
            migration.transactional = result.drafts[index]!.transactional;
          });
        const intended = await intendedSchema(databases, engine, older, result);
        if (downInResult) {
          expect(tail.length).toBe(result.drafts.length);
          tail.forEach((migration, index) => {
            migration.down = result.drafts[index]!.down.map((sql) => ({ ...migration.up[0]!, sql }));
          });
        }

        const db = await databases.database(engine);
        try {
          await applyAll(db, older, 'up');
          const before = await db.introspect();
          await applyAll(db, tail, 'up');
          const applied = await db.introspect();
          expect(difference(intended, applied)).toBe('no difference');
          const note = applied.tables.find((t) => t.name === PARENT)?.columns.find((c) => c.name === NOTE);
          expect(note?.nullable).toBe(false);
          await applyAll(db, tail, 'down');
          expect(difference(before, await db.introspect())).toBe('no difference');
          await applyAll(db, tail, 'up');
          expect(difference(applied, await db.introspect())).toBe('no difference');
        } finally {
          await databases.release(db);
        }
      });
    }
  });
}
