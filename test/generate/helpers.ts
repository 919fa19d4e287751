import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Change } from '../../src/generate/changes.js';
import { type GenerateResult, generateMigration } from '../../src/generate/generate.js';
import type { Engine } from '../../src/model.js';
import { compareSchemas, type SchemaChange } from '../../src/schema/compare.js';
import { openShadow } from '../../src/shadow/open.js';
import type { ShadowDatabase } from '../../src/shadow/types.js';
import { readMigrations } from '../../src/sources/index.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';

/**
 * Applying generated migrations for real: the files read back through the project's own format reader
 * (readMigrations), their statements run in order on a database the test owns — a fresh database on the
 * PostgreSQL or MariaDB server, PGlite, or SQLite in memory — and dropped afterwards. Writers of every format can
 * reuse it: generate into a fixture project, then applyUp / applyDown / schemaOf here.
 */

export type Target = 'postgres-server' | 'pglite' | 'mariadb' | 'sqlite';

export const TARGETS: Target[] = ['postgres-server', 'pglite', 'mariadb', 'sqlite'];

export function engineOf(target: Target): Engine {
  return target === 'mariadb' ? 'mysql' : target === 'sqlite' ? 'sqlite' : 'postgresql';
}

/** The shadow server URL generate_migration needs for this target (MariaDB has no embedded engine). */
export function shadowUrlOf(target: Target): string | undefined {
  return target === 'mariadb' ? MYSQL_URL : target === 'postgres-server' ? POSTGRES_URL : undefined;
}

/** A database of its own on the target (undefined, with the reason printed, when its server is unreachable). */
export async function openTarget(target: Target): Promise<ShadowDatabase | undefined> {
  if (target === 'postgres-server' && !(await postgresAvailable()).available) return undefined;
  if (target === 'mariadb' && !(await mysqlAvailable()).available) return undefined;
  const url = shadowUrlOf(target);
  return openShadow({
    engine: target === 'mariadb' ? 'mysql' : engineOf(target) === 'sqlite' ? 'sqlite' : 'postgresql',
    ...(url ? { shadowUrl: url } : {}),
  });
}

/** A temporary project holding `files` (relative path → text); remove it with removeProject. */
export function makeProject(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dma-generate-'));
  for (const [relative, text] of Object.entries(files)) {
    const absolute = path.join(root, relative);
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, text);
  }
  return root;
}

export function removeProject(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

async function migrationsOf(root: string, folder: string, engine: Engine) {
  const result = await readMigrations(root, { path: folder, engine });
  if (result.errors.length) throw new Error(`reading ${folder}: ${JSON.stringify(result.errors)}`);
  return result.migrations;
}

/** Runs the up of the migrations from index `from` (to `to`, exclusive), in order; returns how many ran. */
export async function applyUp(
  db: ShadowDatabase,
  root: string,
  folder: string,
  engine: Engine,
  from = 0,
  to?: number,
): Promise<number> {
  const migrations = (await migrationsOf(root, folder, engine)).slice(from, to);
  for (const migration of migrations)
    for (const statement of migration.up) {
      try {
        await db.exec(statement.sql);
      } catch (error) {
        throw new Error(`${migration.path}: ${(error as Error).message}\n${statement.sql}`);
      }
    }
  return migrations.length;
}

/** Runs the down of the last `count` migrations, newest first. */
export async function applyDown(
  db: ShadowDatabase,
  root: string,
  folder: string,
  engine: Engine,
  count: number,
): Promise<void> {
  const migrations = (await migrationsOf(root, folder, engine)).slice(-count).reverse();
  for (const migration of migrations) {
    if (!migration.down) throw new Error(`${migration.path} has no down`);
    for (const statement of migration.down) {
      try {
        await db.exec(statement.sql);
      } catch (error) {
        throw new Error(`down of ${migration.path}: ${(error as Error).message}\n${statement.sql}`);
      }
    }
  }
}

/** What differs between the database's schema and the one `sql` builds on a fresh database of the same kind. */
export async function differenceFrom(db: ShadowDatabase, target: Target, sql: string[]): Promise<SchemaChange[]> {
  const fresh = await openTarget(target);
  if (!fresh) throw new Error(`${target} became unreachable`);
  try {
    for (const statement of sql) await fresh.exec(statement);
    return compareSchemas(await fresh.introspect(), await db.introspect());
  } finally {
    await fresh.close();
  }
}

/** generate_migration into the project at `root` for `target` (its shadow server and engine), drops confirmed. */
export function generateConfirmed(
  target: Target,
  root: string,
  changes: Change[],
  rowsPerTable: number,
): Promise<GenerateResult> {
  const shadowUrl = shadowUrlOf(target);
  return generateMigration({
    root,
    changes,
    confirmDestructive: true,
    rowsPerTable,
    ...(shadowUrl ? { shadowUrl } : {}),
    ...(target === 'mariadb' ? { engine: 'mysql' as const } : {}),
    ...(target === 'sqlite' ? { engine: 'sqlite' as const } : {}),
  });
}

/** Each draft's rehearsal as [name, outcome, reason of a failure], to compare with rehearsalsPassed. */
export function rehearsals(result: GenerateResult): [string, string, string][] {
  return result.rehearsal.map((item) => [
    item.draft,
    item.outcome,
    item.outcome === 'passed' ? '' : (item.reason ?? ''),
  ]);
}

export function rehearsalsPassed(result: GenerateResult): [string, string, string][] {
  return result.drafts.map((draft) => [draft.name, 'passed', '']);
}
