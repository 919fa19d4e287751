import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';

const REPO = path.join(import.meta.dirname, '../..');

/** A SQLite database file holding `schema`, for a seed script to fill. */
export function sqliteFileWith(file: string, schema: string): void {
  const database = new Database(file);
  database.exec(schema);
  database.close();
}

/** Runs a TypeScript seed script the way its `run` line says (`npx tsx <file>`), with our tsx, from the project. */
export function runTsSeed(dir: string, file: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(REPO, 'node_modules/tsx/dist/cli.mjs'), file], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 50_000,
  });
}
