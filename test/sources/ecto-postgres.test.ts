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

describe('Ecto values bound to a variable or a module attribute, array types and list defaults', () => {
  /** plausible's migrations, as written (20231115131025 without its modify calls). */
  const files = {
    '20210531080158_add_role_to_site_memberships.exs': migration(`  def change do
    create_query = "CREATE TYPE site_membership_role AS ENUM ('owner', 'admin', 'viewer')"
    drop_query = "DROP TYPE site_membership_role"
    execute(create_query, drop_query)

    alter table(:site_memberships) do
      add :role, :site_membership_role, null: false, default: "owner"
    end
  end`),
    '20231115131025_add_limits_to_enterprise_plans.exs': migration(`  def change do
    alter table(:enterprise_plans) do
      add :features, {:array, :string}, null: false, default: ["props", "stats_api"]
    end
  end`),
    '20250128161815_add_scroll_threshold_to_goals.exs': migration(`  @disable_ddl_transaction true
  @disable_migration_lock true

  @new_index unique_index(
               :goals,
               [:site_id, :page_path, :scroll_threshold],
               where: "page_path IS NOT NULL",
               name: :goals_page_path_and_scroll_threshold_unique
             )

  def up do
    alter table(:goals) do
      add :scroll_threshold, :smallint, null: false, default: -1
    end

    create(@new_index)
  end

  def down do
    drop(@new_index)

    alter table(:goals) do
      remove :scroll_threshold
    end
  end`),
    '20230724131709_change_allowed_event_props_type.exs': migration(`  def change do
    alter table("sites") do
      modify :allowed_event_props, {:array, :"varchar(300)"},
        null: true,
        from: {{:array, :string}, null: true}
    end
  end`),
  };

  it('reads them as Ecto would run them', async () => {
    const result = await readMigrations(project(files));
    expect(result.errors).toEqual([]);
    expect(sqlOf(result.migrations)).toEqual([
      [
        [
          "CREATE TYPE site_membership_role AS ENUM ('owner', 'admin', 'viewer')",
          'ALTER TABLE "site_memberships" ADD COLUMN "role" site_membership_role DEFAULT \'owner\' NOT NULL',
        ],
        ['ALTER TABLE "site_memberships" DROP COLUMN "role"', 'DROP TYPE site_membership_role'],
      ],
      [
        [
          'ALTER TABLE "sites" ALTER COLUMN "allowed_event_props" TYPE varchar(300)[], ALTER COLUMN "allowed_event_props" DROP NOT NULL',
        ],
        [
          'ALTER TABLE "sites" ALTER COLUMN "allowed_event_props" TYPE varchar(255)[], ALTER COLUMN "allowed_event_props" DROP NOT NULL',
        ],
      ],
      [
        [
          'ALTER TABLE "enterprise_plans" ADD COLUMN "features" varchar(255)[] DEFAULT ARRAY[\'props\',\'stats_api\']::varchar[] NOT NULL',
        ],
        ['ALTER TABLE "enterprise_plans" DROP COLUMN "features"'],
      ],
      [
        [
          'ALTER TABLE "goals" ADD COLUMN "scroll_threshold" smallint DEFAULT -1 NOT NULL',
          'CREATE UNIQUE INDEX "goals_page_path_and_scroll_threshold_unique" ON "goals" ("site_id", "page_path", "scroll_threshold") WHERE page_path IS NOT NULL',
        ],
        [
          'DROP INDEX "goals_page_path_and_scroll_threshold_unique"',
          'ALTER TABLE "goals" DROP COLUMN "scroll_threshold"',
        ],
      ],
    ]);
  });

  it('the SQL runs on PGlite, the list default as a varchar array', async () => {
    const result = await readMigrations(project(files));
    const columns = await runOnPglite(
      'plausible_values',
      [
        'CREATE TABLE site_memberships (id bigserial PRIMARY KEY)',
        'CREATE TABLE enterprise_plans (id bigserial PRIMARY KEY)',
        'CREATE TABLE goals (id bigserial PRIMARY KEY, site_id bigint, page_path text)',
        'CREATE TABLE sites (id bigserial PRIMARY KEY, allowed_event_props varchar(255)[])',
      ],
      result.migrations,
      'enterprise_plans',
    );
    expect(columns).toEqual([
      "id bigint NO nextval('enterprise_plans_id_seq'::regclass)",
      "features ARRAY NO ARRAY['props'::character varying, 'stats_api'::character varying]",
    ]);
  });

  it('a variable or attribute whose value is not a literal is reported where it is used', async () => {
    const result = await readMigrations(
      project({
        '20240101000000_unresolved.exs': migration(`  @index unique_index(:goals, [:site_id])
  @other index_for(:goals)

  def change do
    query = build_query()
    execute(query)
    create(@other)
    create(@missing)
    create(@index)
  end`),
      }),
    );
    expect(result.errors.map((error) => [error.error.where?.line, error.error.what])).toEqual([
      [8, 'the variable is not bound to a literal value: query = build_query()'],
      [9, 'execute with SQL that is not a literal string: execute(query)'],
      [10, 'this call is not translated: create(@other)'],
      [11, 'this call is not translated: create(@missing)'],
    ]);
    expect(sqlOf(result.migrations)[0]?.[0]).toEqual([
      'CREATE UNIQUE INDEX "goals_site_id_index" ON "goals" ("site_id")',
    ]);
  });
});

describe('Ecto alter blocks: one ALTER TABLE per block, as execute_ddl {:alter, …} writes it', () => {
  const files = {
    '20240101000000_posts.exs': migration(`  def change do
    alter table(:posts, comment: "Blog posts") do
      add :author_id, references(:users, on_delete: :nilify_all), comment: "who wrote it"
      modify :title, :text, null: false, from: {:string, null: true}
      remove :legacy, :boolean, default: false
      timestamps(type: :utc_datetime_usec, default: fragment("now()"))
    end
  end`),
    '20240102000000_posts_guarded.exs': migration(`  def change do
    alter table(:posts) do
      add_if_not_exists :slug, :string, size: 100
      remove_if_exists :author_id, references(:users)
      remove :body
    end
  end`),
  };
  const POSTS = [
    'CREATE TABLE users (id bigserial PRIMARY KEY)',
    'CREATE TABLE posts (id bigserial PRIMARY KEY, title varchar(255), body text, legacy boolean DEFAULT false)',
  ];

  it('the changes of a block are subcommands of one statement, in the order written; comments follow it', async () => {
    const result = await readMigrations(project(files));
    expect(result.errors).toEqual([]);
    expect(sqlOf(result.migrations)).toEqual([
      [
        [
          'ALTER TABLE "posts" ADD COLUMN "author_id" bigint, ADD CONSTRAINT "posts_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL, ALTER COLUMN "title" TYPE text, ALTER COLUMN "title" SET NOT NULL, DROP COLUMN "legacy", ADD COLUMN "inserted_at" timestamp DEFAULT now() NOT NULL, ADD COLUMN "updated_at" timestamp DEFAULT now() NOT NULL',
          'COMMENT ON TABLE "posts" IS \'Blog posts\'',
          'COMMENT ON COLUMN "posts"."author_id" IS \'who wrote it\'',
        ],
        // Ecto's runner reverses the block: each change undone, in reverse order, the from: options restored.
        [
          'ALTER TABLE "posts" DROP COLUMN "updated_at", DROP COLUMN "inserted_at", ADD COLUMN "legacy" boolean DEFAULT FALSE, ALTER COLUMN "title" TYPE varchar(255), ALTER COLUMN "title" DROP NOT NULL, DROP CONSTRAINT "posts_author_id_fkey", DROP COLUMN "author_id"',
          'COMMENT ON TABLE "posts" IS \'Blog posts\'',
        ],
      ],
      [
        [
          'ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "slug" varchar(100), DROP CONSTRAINT IF EXISTS "posts_author_id_fkey", DROP COLUMN IF EXISTS "author_id", DROP COLUMN "body"',
        ],
        undefined,
      ],
    ]);
    expect(result.migrations[1]?.notes).toContain(
      'Irreversible: line 5 (alter table(:posts)) cannot be reversed automatically, so rolling back raises an error.',
    );
  });

  it('the blocks run on PGlite, up then the reversed block', async () => {
    const result = await readMigrations(project(files));
    const [posts, guarded] = result.migrations;
    expect(await runOnPglite('ecto_alter', POSTS, [posts!], 'posts')).toEqual([
      "id bigint NO nextval('posts_id_seq'::regclass)",
      'title text NO',
      'body text YES',
      'author_id bigint YES',
      'inserted_at timestamp without time zone NO now()',
      'updated_at timestamp without time zone NO now()',
    ]);
    expect(await runOnPglite('ecto_alter_guarded', POSTS, [guarded!], 'posts')).toEqual([
      "id bigint NO nextval('posts_id_seq'::regclass)",
      'title character varying YES',
      'legacy boolean YES false',
      'slug character varying YES',
    ]);
  });

  it('modify …, primary_key: true adds the primary key at the end of the statement (plausible 20190911102027)', async () => {
    const result = await readMigrations(
      project({
        '20190911102027_add_monthly_reports.exs': migration(`  def up do
    drop constraint("weekly_reports", "weekly_reports_pkey")

    alter table(:weekly_reports) do
      modify :id, :bigint, primary_key: true
      modify :site_id, references(:sites, on_delete: :delete_all), null: false
    end

    alter table(:tokens) do
      add :uuid, :uuid, primary_key: true
    end
  end`),
      }),
    );
    expect(result.errors).toEqual([]);
    expect(sqlOf(result.migrations)[0]?.[0]).toEqual([
      'ALTER TABLE "weekly_reports" DROP CONSTRAINT "weekly_reports_pkey"',
      'ALTER TABLE "weekly_reports" ALTER COLUMN "id" TYPE bigint, ALTER COLUMN "site_id" TYPE bigint, ADD CONSTRAINT "weekly_reports_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE, ALTER COLUMN "site_id" SET NOT NULL, ADD PRIMARY KEY ("id")',
      'ALTER TABLE "tokens" ADD COLUMN "uuid" uuid, ADD PRIMARY KEY ("uuid")',
    ]);
    await runOnPglite(
      'ecto_primary_key',
      [
        'CREATE TABLE sites (id bigserial PRIMARY KEY)',
        'CREATE TABLE weekly_reports (id serial PRIMARY KEY, site_id integer)',
        'CREATE TABLE tokens (name text)',
      ],
      result.migrations,
    );
    const keys = await pglite!.query<{ key: string }>(
      `SELECT table_name || '.' || column_name AS key FROM information_schema.key_column_usage
       WHERE table_schema = 'ecto_primary_key' AND constraint_name LIKE '%pkey' ORDER BY 1`,
    );
    expect(keys.rows.map((row) => row.key)).toEqual(['sites.id', 'tokens.uuid', 'weekly_reports.id']);
  });

  it('a change that cannot be written is reported at its line and the others still make the statement', async () => {
    const result = await readMigrations(
      project({
        '20240101000000_partly.exs': migration(`  def change do
    alter table(:posts) do
      add :a, :string
      add :b, :string, default: some_default()
      rename :c, to: :d
    end
  end`),
      }),
    );
    expect(result.errors.map((error) => [error.error.where?.line, error.error.what])).toEqual([
      [
        7,
        'the default is not a literal, a list for an array column or fragment("…"): add :b, :string, default: some_default()',
      ],
      [8, 'this call is not translated inside alter table: rename :c, to: :d'],
    ]);
    expect(sqlOf(result.migrations)[0]?.[0]).toEqual(['ALTER TABLE "posts" ADD COLUMN "a" varchar(255)']);
  });

  it('a table comment that is not a literal, or a from: that cannot be undone, is reported at the alter line', async () => {
    const result = await readMigrations(
      project({
        '20240101000000_comments.exs': migration(`  def change do
    alter table(:posts, comment: "Posts of #{@owner}") do
      add :a, :string
    end

    alter table(:posts) do
      modify :b, :text, from: {:weird, :tuple, :type}
    end
  end`),
      }),
    );
    expect(result.errors.map((error) => [error.error.where?.line, error.error.what])).toEqual([
      [5, 'comment: is not a literal: alter table(:posts, comment: "Posts of #{@owner}")'],
      [9, 'its reverse cannot be written: the column type is not translated: alter table(:posts)'],
    ]);
    expect(sqlOf(result.migrations)[0]?.[0]).toEqual(['ALTER TABLE "posts" ALTER COLUMN "b" TYPE text']);
  });
});
