import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { detectSetup } from '../../src/project/detect.js';
import { readMigrations } from '../../src/sources/index.js';

/**
 * What Ecto's PostgreSQL adapter (ecto_sql 3.13, Ecto.Adapters.Postgres.Connection) runs for the migrations of
 * plausible/analytics, read statically: the file names the migrator accepts, one ALTER TABLE per alter block,
 * and the values a migration binds to a variable or a module attribute.
 */
const temporary: string[] = [];
let pglite: PGlite | undefined;
afterAll(async () => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  await pglite?.close();
});

/** A temporary Ecto project: config naming the PostgreSQL adapter, and priv/repo/migrations/<file> per entry. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dma-ecto-pg-'));
  temporary.push(dir);
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  writeFileSync(path.join(dir, 'config/config.exs'), 'config :app, App.Repo, adapter: Ecto.Adapters.Postgres\n');
  const migrations = path.join(dir, 'priv/repo/migrations');
  mkdirSync(migrations, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(migrations, file), text);
  return dir;
}

/** A migration module around `body` (the lines inside `defmodule … do use Ecto.Migration`). */
function migration(body: string): string {
  return `defmodule App.Repo.Migrations.M do\n  use Ecto.Migration\n\n${body}\nend\n`;
}

/** The up and down SQL of each migration read. */
const sqlOf = (migrations: Migration[]) =>
  migrations.map((each) => [each.up.map((statement) => statement.sql), each.down?.map((statement) => statement.sql)]);

/**
 * Runs `setup`, then each migration's up, then each down in reverse order, in a schema of its own on PGlite;
 * returns the column listing of `table` after the ups, to compare with what Ecto would leave.
 */
async function runOnPglite(schema: string, setup: string[], migrations: Migration[], table?: string) {
  pglite ??= new PGlite();
  const db = pglite;
  await db.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  for (const sql of setup) await db.exec(sql);
  for (const each of migrations) for (const statement of each.up) await db.exec(statement.sql);
  const columns = table
    ? (
        await db.query<{ column: string }>(
          `SELECT column_name || ' ' || data_type || ' ' || is_nullable || coalesce(' ' || column_default, '') AS column
           FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY ordinal_position`,
        )
      ).rows.map((row) => row.column)
    : [];
  for (const each of [...migrations].reverse()) for (const statement of each.down ?? []) await db.exec(statement.sql);
  return columns;
}

describe('Ecto migration file names', () => {
  it('reads <integer>_<anything>.exs (hyphens too) and names a .exs file the migrator would not run', async () => {
    const dir = project({
      '20230406110926_associate-goals-with-sites.exs': `defmodule :"Elixir.App.Repo.Migrations.Associate-goals-with-sites" do
  use Ecto.Migration

  def up do
    execute "UPDATE goals SET site_id = 1"
  end

  def down do
  end
end
`,
      'seeds.exs': 'IO.puts("not a migration")\n',
      '.formatter.exs': '[import_deps: [:ecto_sql], inputs: ["*.exs"]]\n',
    });
    expect(
      detectSetup(dir)
        .packages.flatMap((pkg) => pkg.migrationDirs)
        .map((folder) => [folder.path, folder.count]),
    ).toEqual([['priv/repo/migrations', 1]]);
    const result = await readMigrations(dir);
    expect(result.errors).toEqual([]);
    expect(result.migrations.map((each) => [each.id, each.name, each.up.map((statement) => statement.sql)])).toEqual([
      ['20230406110926', 'associate-goals-with-sites', ['UPDATE goals SET site_id = 1']],
    ]);
    expect(result.setAside).toEqual(['priv/repo/migrations/seeds.exs']);
    expect(result.notes).toContain(
      "seeds.exs is not named <integer>_<name>.exs, so Ecto's migrator never runs it; it was not checked. Rename it (e.g. <timestamp>_seeds.exs) if it is a migration.",
    );
  });
});

describe('Ecto indexes with a prefix', () => {
  it('drop_if_exists index(…, prefix: "public") drops "public"."name"; its reverse is create_if_not_exists', async () => {
    // plausible 20220408080058_swap_primary_oban_indexes.exs
    const dir = project({
      '20220408080058_swap_primary_oban_indexes.exs': migration(`  @disable_ddl_transaction true
  @disable_migration_lock true

  def change do
    create_if_not_exists index(
                           :oban_jobs,
                           [:state, :queue, :priority, :scheduled_at, :id],
                           concurrently: true,
                           prefix: "public"
                         )

    drop_if_exists index(
                     :oban_jobs,
                     [:queue, :state, :priority, :scheduled_at, :id],
                     prefix: "public"
                   )
  end`),
    });
    const result = await readMigrations(dir);
    expect(result.errors).toEqual([]);
    expect(sqlOf(result.migrations)).toEqual([
      [
        [
          'CREATE INDEX CONCURRENTLY IF NOT EXISTS "oban_jobs_state_queue_priority_scheduled_at_id_index" ON "public"."oban_jobs" ("state", "queue", "priority", "scheduled_at", "id")',
          'DROP INDEX IF EXISTS "public"."oban_jobs_queue_state_priority_scheduled_at_id_index"',
        ],
        [
          'CREATE INDEX IF NOT EXISTS "oban_jobs_queue_state_priority_scheduled_at_id_index" ON "public"."oban_jobs" ("queue", "state", "priority", "scheduled_at", "id")',
          'DROP INDEX CONCURRENTLY IF EXISTS "public"."oban_jobs_state_queue_priority_scheduled_at_id_index"',
        ],
      ],
    ]);
    const oban = [
      'CREATE TABLE public.oban_jobs (id bigint, state text, queue text, priority int, scheduled_at timestamp)',
      'CREATE INDEX oban_jobs_queue_state_priority_scheduled_at_id_index ON public.oban_jobs (queue, state, priority, scheduled_at, id)',
    ];
    await runOnPglite('oban', oban, result.migrations);
    const indexes = await pglite!.query<{ name: string }>(
      "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'oban_jobs' ORDER BY 1",
    );
    expect(indexes.rows.map((row) => row.name)).toEqual(['oban_jobs_queue_state_priority_scheduled_at_id_index']);
    await pglite!.exec('DROP TABLE public.oban_jobs');
  });
});
