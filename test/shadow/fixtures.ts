import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Migration } from '../../src/model.js';
import { migrationFromSql } from '../../src/shadow/statements.js';
import type { ShadowEngine } from '../../src/shadow/types.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

/** Migration objects built from a fixture folder of `<name>.up.sql` / `<name>.down.sql` pairs. */
export async function fixtureMigrations(project: string, folder: string, engine: ShadowEngine): Promise<Migration[]> {
  const directory = path.join(FIXTURES, project, folder);
  const ups = readdirSync(directory)
    .filter((name) => name.endsWith('.up.sql'))
    .sort();
  const migrations: Migration[] = [];
  for (const up of ups) {
    const id = up.replace(/\.up\.sql$/, '');
    const relative = `${folder}/${up}`;
    const downName = `${id}.down.sql`;
    migrations.push(
      await migrationFromSql({
        id,
        path: relative,
        engine,
        up: readFileSync(path.join(directory, up), 'utf8'),
        down: readFileSync(path.join(directory, downName), 'utf8'),
        downPath: `${folder}/${downName}`,
      }),
    );
  }
  return migrations;
}
