import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  type CompiledQuery,
  Kysely,
  type Migration as KyselyMigration,
  Migrator,
  NO_MIGRATIONS,
  PostgresDialect,
} from 'kysely';
import pg from 'pg';
import { tsImport } from 'tsx/esm/api';
import { describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { readMigrations } from '../../src/sources/index.js';
import { throwAwayDatabase } from '../helpers/databases.js';
import { fixture } from './tool-runs.js';

const root = fixture('sources-kysely');
const folder = path.join(root, 'src/db/migrations');
const at = (migration: Migration | undefined, direction: 'up' | 'down' = 'up') =>
  (migration?.[direction] ?? []).map((statement) => [statement.sql, statement.origin?.line]);

describe('Kysely', () => {
  it('compiles with the project kysely in Migrator order, keeping the line that awaited each query', async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result).toMatchObject({ format: 'kysely', directory: 'src/db/migrations', engine: 'postgresql' });
    expect(result.migrations.map((migration) => [migration.id, migration.transactional])).toEqual([
      ['2024_01_01_create_person', true],
      ['2024_01_02_add_pet', true],
      ['2024_01_03_backfill', true],
    ]);
    const [person, pet, backfill] = result.migrations;
    expect(at(person)).toEqual([
      [
        'create table "person" ("id" serial primary key, "first_name" varchar(255) not null, "created_at" timestamptz default now() not null)',
        4,
      ],
      ['create index "person_first_name_index" on "person" ("first_name")', 11],
    ]);
    expect(at(pet)).toEqual([
      [
        'create table "pet" ("id" serial primary key, "name" text not null unique, "owner_id" integer not null references "person" ("id") on delete cascade, "species" text default \'dog\')',
        4,
      ],
      ['alter table "person" add column "nickname" text', 11],
    ]);
    expect(at(pet, 'down')).toEqual([
      ['alter table "person" drop column "nickname"', 15],
      ['drop table "pet"', 16],
    ]);
    // Query-builder parameters are written into the statement; raw sql`…`.execute(db) is recorded too.
    expect(at(backfill)).toEqual([
      ['update "person" set "nickname" = \'anon\' where "nickname" is null', 4],
      ['CREATE INDEX pet_owner_idx ON pet (owner_id)', 5],
    ]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: 'src/db/migrations/2024_01_03_backfill.mjs',
        error: expect.objectContaining({ code: 'missing-down' }),
      }),
    ]);
  });

  it("compiles with the engine's own query compiler when the engine is MySQL", async () => {
    const result = await readMigrations(root, {
      executeProjectCode: true,
      engine: 'mysql',
      path: 'src/db/migrations/2024_01_02_add_pet.ts',
    });
    expect(result.migrations[0]?.transactional).toBe(false);
    expect(result.migrations[0]?.up.map((statement) => statement.sql)).toEqual([
      "create table `pet` (`id` serial primary key, `name` text not null unique, `owner_id` integer not null references `person` (`id`) on delete cascade, `species` text default 'dog')",
      'alter table `person` add column `nickname` text',
    ]);
  });

  it('without executeProjectCode lists the migrations as not compiled', async () => {
    const result = await readMigrations(root);
    expect(result.migrations.map((migration) => [migration.id, migration.compiled, migration.up.length])).toEqual([
      ['2024_01_01_create_person', false, 0],
      ['2024_01_02_add_pet', false, 0],
      ['2024_01_03_backfill', false, 0],
    ]);
  });

  describe("against PostgreSQL with Kysely's own Migrator", () => {
    // A database of its own: the Migrator reads every schema of its database, and other test files create and drop
    // theirs meanwhile (its introspection then fails on a schema just dropped).
    const database = throwAwayDatabase('sources_kysely');

    it('our SQL is the SQL the Migrator sends, up and then all the way down', async () => {
      if (!database.available) return;
      const queries: CompiledQuery[] = [];
      const db = new Kysely<unknown>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: database.url, max: 1 }),
        }),
        log: (event) => {
          if (event.level === 'query') queries.push(event.query);
        },
      });
      const provider = {
        async getMigrations() {
          const migrations: Record<string, KyselyMigration> = {};
          for (const file of readdirSync(folder)) {
            const loaded = (await tsImport(path.join(folder, file), import.meta.url)) as KyselyMigration;
            migrations[file.slice(0, file.lastIndexOf('.'))] = loaded;
          }
          return migrations;
        },
      };
      const migrator = new Migrator({ db, provider });
      const sent = () =>
        queries
          .splice(0)
          .filter(
            (query) =>
              !/kysely_migration|information_schema|pg_catalog|pg_advisory|^(begin|commit|rollback)$/i.test(query.sql),
          )
          .map((query) =>
            query.sql.replace(/\$(\d+)/g, (_, index) => {
              const value = query.parameters[Number(index) - 1];
              return typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value);
            }),
          );
      try {
        const ours = await readMigrations(root, { executeProjectCode: true });
        const up = await migrator.migrateToLatest();
        expect(up.error).toBeUndefined();
        const ranUp = sent();
        expect(ranUp).toHaveLength(6);
        expect(ranUp).toEqual(ours.migrations.flatMap((migration) => migration.up.map((statement) => statement.sql)));
        // The last migration has no down: migrateTo skips it (it stays recorded) and undoes the others.
        const down = await migrator.migrateTo(NO_MIGRATIONS);
        expect(down.error).toBeUndefined();
        expect(sent()).toEqual(
          [...ours.migrations]
            .reverse()
            .flatMap((migration) => (migration.down ?? []).map((statement) => statement.sql)),
        );
      } finally {
        await db.destroy();
      }
    });
  });
});
