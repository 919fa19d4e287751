import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/sources/index.js';
import { fixture } from './tool-runs.js';

/**
 * An Ecto migration file may define schema modules for its data migration before the migration module itself
 * (teslamate's 20190925182253_add_geofence_id_to_addresses.exs): the module that uses Ecto.Migration is the one
 * read, and the helper modules, inside or before it, run no DDL.
 */
const root = mkdtempSync(path.join(tmpdir(), 'dma-ecto-helpers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
cpSync(fixture('sources-ecto'), root, { recursive: true });

const FILE = 'priv/repo/migrations/20240106000000_geofences.exs';
writeFileSync(
  path.join(root, FILE),
  `defmodule Old do
  defmodule Address do
    use Ecto.Schema

    schema "addresses" do
      field(:place_id, :integer)
    end
  end
end

defmodule MyApp.Repo.Migrations.Geofences do
  use Ecto.Migration

  defmodule GeoFence do
    use Ecto.Schema

    schema "geofences" do
      field(:radius, :float)
    end
  end

  def change do
    alter table(:users) do
      add(:geofence_id, :bigint, null: true)
    end
  end
end
`,
);

describe('an Ecto migration file with helper modules', () => {
  it('reads the module that uses Ecto.Migration and reports nothing untranslated', async () => {
    const result = await readMigrations(root, { path: FILE });
    expect(result.errors).toEqual([]);
    expect(result.migrations.map((migration) => migration.up.map((statement) => statement.sql))).toEqual([
      ['ALTER TABLE "users" ADD COLUMN "geofence_id" bigint NULL'],
    ]);
  });
});
