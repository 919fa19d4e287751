import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSetup } from '../../src/project/detect.js';
import { readMigrations } from '../../src/sources/index.js';

/**
 * What Ecto's PostgreSQL adapter (ecto_sql 3.13, Ecto.Adapters.Postgres.Connection) runs for the migrations of
 * plausible/analytics, read statically: the file names the migrator accepts, one ALTER TABLE per alter block,
 * and the values a migration binds to a variable or a module attribute.
 */
const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
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
