import path from 'node:path';
import { detectSetup } from '../project/detect.js';
import type { DownPresence, MigrationEntry } from '../project/types.js';

/**
 * The migrations among a set of changed files: each changed file that is a migration the project's tool would run
 * (its file, a file inside its folder, or its down file) gives that migration once, in the order detect lists them.
 * Other files (code, snapshots, lock files) are not migrations and are left out.
 */

export interface PendingMigration {
  /** The migration's path as detect lists it (file, or folder for one-folder-per-migration formats). */
  path: string;
  tool: string;
  /** Whether the tool has down migrations at all ('never': Prisma, Drizzle …, whose way back is a derived down). */
  downs: DownPresence;
}

/** `changed` absent: every migration of the project. */
export function migrationsAmong(root: string, changed?: readonly string[]): PendingMigration[] {
  const setup = detectSetup(root);
  const found: PendingMigration[] = [];
  for (const pkg of setup.packages) {
    const downsOf = (tool: string) => pkg.conventions.find((each) => each.tool === tool)?.down ?? 'sometimes';
    for (const migration of pkg.migrations) {
      if (!changed || changed.some((file) => belongsTo(file, migration)))
        found.push({ path: migration.path, tool: migration.tool, downs: downsOf(migration.tool) });
    }
  }
  return found;
}

function belongsTo(file: string, migration: MigrationEntry): boolean {
  if (file === migration.path || file.startsWith(`${migration.path}/`)) return true;
  if (!migration.hasDown || path.posix.dirname(file) !== path.posix.dirname(migration.path)) return false;
  return pairName(path.posix.basename(file)) === pairName(path.posix.basename(migration.path));
}

/** A migration file's name without what tells its up from its down: `1_x.up.sql`/`1_x.down.sql`, `V1__x`/`U1__x`. */
function pairName(name: string): string {
  return name.replace(/\.(up|down)\.sql$/i, '.sql').replace(/^[VU](\d)/, '$1');
}
