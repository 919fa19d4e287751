import { afterAll, describe, expect, it } from 'vitest';
import type { MigrationDraft } from '../../src/generate/types.js';
import type { Engine, Migration } from '../../src/model.js';
import type { ToolName } from '../../src/project/types.js';
import { compareSchemas, renderSchemaChanges } from '../../src/schema/compare.js';
import { MysqlShadow } from '../../src/shadow/mysql.js';
import { PostgresShadow } from '../../src/shadow/postgres.js';
import { SqliteShadow } from '../../src/shadow/sqlite.js';
import type { ShadowDatabase } from '../../src/shadow/types.js';
import { readMigrations } from '../../src/sources/index.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { draftsFor } from './sql-drafts.js';
import {
  applyDirect,
  applyMigration,
  bare,
  fixtureCopy,
  removeTemporaryProjects,
  statementsOf,
  writeDraft,
} from './sql-writers-helpers.js';

afterAll(removeTemporaryProjects);

const postgres = await postgresAvailable();
const mariadb = await mysqlAvailable();

/** Each SQL-file format and the fixture project its writer adds to. */
const FORMATS: { tool: ToolName; fixture: string }[] = [
  { tool: 'golang-migrate', fixture: 'detect-golang-migrate' },
  { tool: 'dbmate', fixture: 'detect-dbmate' },
  { tool: 'goose', fixture: 'detect-goose' },
  { tool: 'sql-migrate', fixture: 'detect-sql-migrate' },
  { tool: 'flyway', fixture: 'detect-flyway' },
  { tool: 'diesel', fixture: 'detect-diesel' },
  { tool: 'sqlx', fixture: 'detect-sqlx' },
  { tool: 'sqitch', fixture: 'sources-sqitch' },
  { tool: 'liquibase', fixture: 'sources-liquibase' },
  { tool: 'multi-dialect-sql', fixture: 'sources-multi-dialect' },
  { tool: 'atlas', fixture: 'sources-atlas' },
];

type TestEngine = 'postgresql' | 'mariadb' | 'sqlite';

const ENGINES: { engine: TestEngine; available: boolean; open: () => Promise<ShadowDatabase> }[] = [
  { engine: 'postgresql', available: postgres.available, open: () => PostgresShadow.open({ url: POSTGRES_URL }) },
  { engine: 'mariadb', available: mariadb.available, open: () => MysqlShadow.open({ url: MYSQL_URL }) },
  { engine: 'sqlite', available: true, open: () => SqliteShadow.open() },
];

const START = Date.UTC(2026, 11, 6, 9, 5, 7);

/** What the tool itself does about transactions for a draft, as the reader reports it. */
function expectedTransactional(tool: ToolName, draft: MigrationDraft, engine: Engine): boolean {
  // golang-migrate adds no transaction of its own (its reader says so for every file); popx runs MySQL files bare.
  if (tool === 'golang-migrate') return false;
  if (tool === 'multi-dialect-sql' && engine === 'mariadb') return false;
  return draft.transactional;
}

async function generate(tool: ToolName, fixture: string, drafts: MigrationDraft[]) {
  const root = await fixtureCopy(fixture);
  const written = drafts.map((draft, index) => writeDraft(root, tool, draft, new Date(START + index * 1000)));
  return { root, written };
}

/** Up on a fresh database, down in reverse, up again: each state compared with the one it must equal. */
async function roundTrip(open: () => Promise<ShadowDatabase>, migrations: Migration[], drafts: MigrationDraft[]) {
  const db = await open();
  const reference = await open();
  try {
    const empty = await db.introspect();
    for (const migration of migrations) await applyMigration(db, migration, 'up');
    const applied = await db.introspect();
    await applyDirect(
      reference,
      drafts.flatMap((draft) => draft.up),
    );
    expect(renderSchemaChanges(compareSchemas(await reference.introspect(), applied))).toBe('no difference');
    expect(applied.tables.map((table) => table.name)).toEqual(expect.arrayContaining(['gen_customers', 'gen_orders']));
    for (const migration of [...migrations].reverse()) await applyMigration(db, migration, 'down');
    expect(renderSchemaChanges(compareSchemas(empty, await db.introspect()))).toBe('no difference');
    for (const migration of migrations) await applyMigration(db, migration, 'up');
    expect(renderSchemaChanges(compareSchemas(applied, await db.introspect()))).toBe('no difference');
  } finally {
    await db.close();
    await reference.close();
  }
}

for (const { engine, available, open } of ENGINES) {
  describe(`SQL-file writers on ${engine}: written, read back by our reader, applied, rolled back, applied again`, () => {
    for (const { tool, fixture } of FORMATS) {
      it.skipIf(!available)(`${tool}`, { timeout: 60_000 }, async () => {
        const drafts = draftsFor(engine);
        const { root, written } = await generate(tool, fixture, drafts);
        const result = await readMigrations(root, { engine });
        expect(result.format).toBe(tool);
        const created = written.map((files) => files.filter((file) => !file.edit).map((file) => file.path));
        const ours = created.map((paths) => result.migrations.find((migration) => paths.includes(migration.path)));
        expect(ours.every(Boolean), `read back: ${result.migrations.map((m) => m.path).join(', ')}`).toBe(true);
        const mine = new Set(created.flat());
        expect(result.errors.filter((error) => mine.has(error.path) || error.path.endsWith('atlas.sum'))).toEqual([]);
        const migrations = ours as Migration[];
        drafts.forEach((draft, index) => {
          const migration = migrations[index]!;
          expect(statementsOf(migration.up)).toEqual(draft.up.map(bare));
          if (tool !== 'atlas') expect(statementsOf(migration.down ?? [])).toEqual(draft.down.map(bare));
          expect(migration.transactional).toBe(expectedTransactional(tool, draft, engine));
        });
        if (tool === 'atlas') {
          // Atlas keeps no down file: the draft's down (kept as a comment in the file) is what rolls back here.
          drafts.forEach((draft, index) => {
            const text = written[index]!.find((file) => file.path.endsWith('.sql'))!.text;
            expect(text).toContain(`-- ${draft.down[0]!.split('\n')[0]}`);
            migrations[index] = {
              ...migrations[index]!,
              down: draft.down.map((sql) => ({ ...migrations[0]!.up[0]!, sql })),
            };
          });
        }
        await roundTrip(open, migrations, drafts);
      });
    }
  });
}

describe('Sqitch verify scripts', () => {
  it.skipIf(!postgres.available)(
    'pass after deploy and fail after revert on PostgreSQL',
    { timeout: 60_000 },
    async () => {
      const drafts = draftsFor('postgresql');
      const { root, written } = await generate('sqitch', 'sources-sqitch', drafts);
      const result = await readMigrations(root, { engine: 'postgresql' });
      const deploys = written.map((files) => files.find((file) => file.path.startsWith('deploy/'))!.path);
      const migrations = deploys.map((deploy) => result.migrations.find((migration) => migration.path === deploy)!);
      const verify = (index: number) => written[index]!.find((file) => file.path.startsWith('verify/'))!.text;
      const db = await PostgresShadow.open({ url: POSTGRES_URL });
      try {
        for (const migration of migrations) await applyMigration(db, migration, 'up');
        for (const index of drafts.keys()) await db.exec(verify(index));
        for (const migration of [...migrations].reverse()) await applyMigration(db, migration, 'down');
        await expect(db.exec(verify(0))).rejects.toThrow(/gen_orders|gen_customers/);
        await db.exec('ROLLBACK'); // the failed check left its BEGIN open
        await expect(db.exec(verify(2))).rejects.toThrow(/division by zero/);
      } finally {
        await db.close();
      }
    },
  );
});
