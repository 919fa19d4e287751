import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-project.js';

/**
 * A project keeps its PostgreSQL migrations beside those of an analytics store (umami: prisma/migrations and
 * db/clickhouse/migrations). The ClickHouse files are said to be unchecked, by name, instead of failing as
 * PostgreSQL syntax errors at `engine = MergeTree`.
 */
const { root, write } = tempProject('dma-foreign-engine-');

write('prisma/schema.prisma', 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n');
write('prisma/migrations/migration_lock.toml', 'provider = "postgresql"\n');
write('prisma/migrations/01_init/migration.sql', 'CREATE TABLE "user" (id uuid PRIMARY KEY);\n');
write(
  'db/clickhouse/migrations/01_init.sql',
  'CREATE TABLE website_event (event_id UUID, created_at DateTime)\n    engine = MergeTree\n    ORDER BY (created_at);\n',
);

interface Result {
  files: Array<{ file: string }>;
  errors: Array<{ code: string; what: string; fix: string; where?: { file?: string } }>;
  risk: string;
}

describe('a migration folder named for an engine the check does not know', () => {
  it('is reported as not checked, by name and engine, and the PostgreSQL migrations are checked', async () => {
    const { code, out } = await runCli(['check', '--format', 'json'], { cwd: root });
    const result = JSON.parse(out) as Result;
    expect(result.files.map((file) => file.file)).toEqual(['prisma/migrations/01_init/migration.sql']);
    expect(result.errors.map((error) => [error.code, error.where?.file])).toEqual([
      ['unsupported-engine', 'db/clickhouse/migrations'],
    ]);
    expect(result.errors[0]?.what).toContain('ClickHouse');
    expect(result.errors[0]?.fix).toContain('--engine');
    expect(result.risk).toBe('NOT FULLY CHECKED');
    expect(code).toBe(2);
  });

  it('is checked when the caller names the engine (files that are in fact PostgreSQL)', async () => {
    write('db/clickhouse/migrations/01_init.sql', 'CREATE TABLE website_event (event_id uuid);\n');
    const { out } = await runCli(['check', '--format', 'json', '--engine', 'postgresql'], { cwd: root });
    const result = JSON.parse(out) as Result;
    expect(result.errors).toEqual([]);
    expect(result.files.map((file) => file.file)).toContain('db/clickhouse/migrations/01_init.sql');
  });
});

describe('a folder named for an engine the check knows', () => {
  const { root: project, write: put } = tempProject('dma-engine-folder-');
  // Authelia's layout: one folder of SQL per engine, in a project whose dependencies name all three drivers.
  put('package.json', JSON.stringify({ dependencies: { pg: '^8.0.0', mysql2: '^3.0.0', sqlite3: '^5.0.0' } }));
  put('migrations/postgres/V0001.init.up.sql', 'CREATE TABLE users (id bigserial PRIMARY KEY);\n');
  put(
    'migrations/mysql/V0001.init.up.sql',
    'CREATE TABLE users (id bigint AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;\n',
  );

  it("settles the engine of its files when the project's files name several", async () => {
    for (const [folder, engine] of [
      ['migrations/postgres', 'postgresql'],
      ['migrations/mysql', 'mysql'],
    ]) {
      const { out, err } = await runCli(['check', folder as string, '--format', 'json'], { cwd: project });
      expect(err).toBe('');
      const result = JSON.parse(out) as Result & { files: Array<{ file: string; engine: string }> };
      expect(result.files.map((file) => file.engine)).toEqual([engine]);
      expect(result.errors).toEqual([]);
    }
  });

  it('is found as a migration folder of its own by a whole-project check, each checked for its engine', async () => {
    const { out, err } = await runCli(['check', '--format', 'json'], { cwd: project });
    expect(err).toBe('');
    const result = JSON.parse(out) as Result & { files: Array<{ file: string; engine: string }> };
    expect(result.files.map((file) => [file.file, file.engine])).toEqual([
      ['migrations/mysql/V0001.init.up.sql', 'mysql'],
      ['migrations/postgres/V0001.init.up.sql', 'postgresql'],
    ]);
    expect(result.errors).toEqual([]);
  });
});

describe("a Go package whose sqlc config names the engine (river's SQLite driver)", () => {
  const { root: project, write: put } = tempProject('dma-sqlc-engine-');
  // The root module's driver is pgx; the SQLite package's go.mod names no driver, only its sqlc config does.
  put('go.mod', 'module example.com/queue\n\ngo 1.22\n\nrequire github.com/jackc/pgx/v5 v5.5.0\n');
  put('migration/main/001_init.up.sql', 'CREATE TABLE job (id bigserial PRIMARY KEY);\n');
  put('migration/main/001_init.down.sql', 'DROP TABLE job;\n');
  put('driver/sqlite/go.mod', 'module example.com/queue/driver/sqlite\n\ngo 1.22\n');
  put('driver/sqlite/internal/db/sqlc.yaml', 'version: "2"\nsql:\n  - engine: "sqlite"\n    schema: schema.sql\n');
  put('driver/sqlite/migration/main/001_init.up.sql', 'CREATE TABLE job (id integer PRIMARY KEY AUTOINCREMENT);\n');
  put('driver/sqlite/migration/main/001_init.down.sql', 'DROP TABLE job;\n');

  it('checks that package as SQLite, not as the root module’s PostgreSQL', async () => {
    const { out, err } = await runCli(['check', '--format', 'json'], { cwd: project });
    expect(err).toBe('');
    const result = JSON.parse(out) as Result & { files: Array<{ file: string; engine: string }> };
    expect(result.errors).toEqual([]);
    expect(result.files.map((file) => [file.file, file.engine])).toEqual([
      ['migration/main/001_init.up.sql', 'postgresql'],
      ['driver/sqlite/migration/main/001_init.up.sql', 'sqlite'],
    ]);
  });

  it('names the sqlc config as where detect learned the engine', async () => {
    const { out } = await runCli(['detect', '--json'], { cwd: project });
    const packages = (
      JSON.parse(out) as {
        packages: Array<{ path: string; engine?: { name: string; evidence: Array<{ file: string }> } }>;
      }
    ).packages;
    const sqlite = packages.find((setup) => setup.path === 'driver/sqlite');
    expect(sqlite?.engine?.name).toBe('sqlite');
    expect(sqlite?.engine?.evidence.map((evidence) => evidence.file)).toEqual(['driver/sqlite/internal/db/sqlc.yaml']);
  });
});

describe("Alembic revisions kept in one folder per engine (prefect's versions/postgresql and versions/sqlite)", () => {
  const { root: project, write: put } = tempProject('dma-alembic-engine-folders-');
  put(
    'pyproject.toml',
    '[project]\nname = "app"\ndependencies = ["alembic>=1.7", "asyncpg>=0.23", "aiosqlite>=0.17"]\n',
  );
  // A script_location in package notation that names no folder of the project.
  put('src/app/database/alembic.ini', '[alembic]\nscript_location = app:database:_migrations\n');
  put('src/app/database/_migrations/env.py', 'from alembic import context\n');
  for (const engine of ['postgresql', 'sqlite']) {
    for (const [revision, parent] of [
      ['a1', 'None'],
      ['b2', "'a1'"],
    ]) {
      put(
        `src/app/database/_migrations/versions/${engine}/${revision}_step.py`,
        `"""step"""\nrevision = '${revision}'\ndown_revision = ${parent}\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n`,
      );
    }
  }

  it('finds both folders and says they wait for --execute, instead of "no migrations" or an engine question', async () => {
    const { code, out, err } = await runCli(['check', '--format', 'json'], { cwd: project });
    expect(err).toBe('');
    const result = JSON.parse(out) as Result;
    expect(result.errors.map((error) => [error.code, error.where?.file])).toEqual([
      ['execute-required', 'src/app/database/_migrations/versions/postgresql'],
      ['execute-required', 'src/app/database/_migrations/versions/sqlite'],
    ]);
    expect(result.errors[0]?.what).toContain('2 alembic migrations');
    expect(code).toBe(2);
  });
});

describe('one folder of numbered SQL files per database below migrations/ (supabase/storage)', () => {
  const { root: project, write: put } = tempProject('dma-numbered-folders-');
  put('package.json', JSON.stringify({ dependencies: { pg: '^8.0.0', 'postgres-migrations': '^5.3.0' } }));
  put('migrations/tenant/0001-initialmigration.sql', 'CREATE TABLE objects (id uuid PRIMARY KEY, name text);\n');
  put('migrations/tenant/0002-add-index.sql', 'CREATE INDEX IF NOT EXISTS objects_name_idx ON objects (name);\n');
  put('migrations/multitenant/0001-initialmigration.sql', 'CREATE TABLE tenants (id text PRIMARY KEY);\n');
  put('migrations/seeds/001-buckets.sql', "INSERT INTO objects (id, name) VALUES (gen_random_uuid(), 'a');\n");
  // Down halves kept in a folder of their own beside the ups are no database of their own.
  put('migrations/down/001-init.sql', 'DROP TABLE tenants;\n');

  it('checks each folder as migrations and leaves seeds out', async () => {
    const { out, err } = await runCli(['check', '--format', 'json'], { cwd: project });
    expect(err).toBe('');
    const result = JSON.parse(out) as Result;
    expect(result.files.map((file) => file.file).sort()).toEqual([
      'migrations/multitenant/0001-initialmigration.sql',
      'migrations/tenant/0001-initialmigration.sql',
      'migrations/tenant/0002-add-index.sql',
    ]);
    expect(result.errors).toEqual([]);
  });
});
