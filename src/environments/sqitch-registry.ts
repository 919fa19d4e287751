import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolveInsideRoot } from '../root.js';
import { readText } from '../sources/files.js';
import type { TableLocation } from './bookkeeping-rows.js';
import { openReadOnly, type ReadOnlyDatabase } from './read-only.js';

/**
 * Where Sqitch keeps its registry for a target: PostgreSQL the schema `sqitch`, MySQL/MariaDB the database
 * `sqitch` on the same server, SQLite the file `sqitch<ext>` beside the target file (App::Sqitch::Engine::*
 * registry_uri) — `registry` in sqitch.conf's `[engine "…"]` section renames it. One registry may hold several
 * projects: only the rows of the plan's `%project` are this project's.
 */

export interface RegistrySource {
  db: ReadOnlyDatabase;
  location: TableLocation;
  /** How the registry is named in reports when it is another file (SQLite). */
  label?: string;
  /** The registry file is absent (SQLite): Sqitch never deployed to this target. */
  missing?: string;
  project?: string;
  /** A connection opened for the registry, to close after reading. */
  opened?: ReadOnlyDatabase;
}

const SQITCH_ENGINE = { postgresql: 'pg', mysql: 'mysql', sqlite: 'sqlite' } as const;

export async function sqitchRegistry(
  db: ReadOnlyDatabase,
  url: string,
  root: string,
  migrationsDirectory: string,
): Promise<RegistrySource> {
  const engine = db.engine as keyof typeof SQITCH_ENGINE;
  const conf =
    (await readText(path.join(migrationsDirectory, 'sqitch.conf'))) ??
    (await readText(path.join(root, 'sqitch.conf'))) ??
    '';
  const registry = sectionValue(conf, `engine "${SQITCH_ENGINE[engine] ?? engine}"`, 'registry') ?? 'sqitch';
  const plan = (await readText(path.join(migrationsDirectory, 'sqitch.plan'))) ?? '';
  const project = /^%project=(\S+)/m.exec(plan)?.[1];
  const withProject = project ? { project } : {};
  if (db.engine !== 'sqlite') return { db, location: { table: 'changes', schema: registry }, ...withProject };
  const target = url.replace(/^(sqlite|file):(\/\/)?/i, '');
  const file = path.posix.join(path.posix.dirname(target), `${registry}${path.posix.extname(target) || '.db'}`);
  const label = `${file}:changes`;
  if (!existsSync(resolveInsideRoot(root, file)))
    return { db, location: { table: 'changes' }, label, missing: file, ...withProject };
  const opened = await openReadOnly(`sqlite:${file}`, root);
  return { db: opened, location: { table: 'changes' }, label, opened, ...withProject };
}

/** `key = value` in a git-config style `[section]` of sqitch.conf. */
function sectionValue(text: string, section: string, key: string): string | undefined {
  let inside = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[(.+)\]\s*$/.exec(line);
    if (header) {
      inside = header[1]?.trim() === section;
      continue;
    }
    const match = inside ? new RegExp(`^\\s*${key}\\s*=\\s*(.+?)\\s*$`).exec(line) : null;
    if (match) return match[1];
  }
  return undefined;
}
