import path from 'node:path';
import type { PackageContext } from '../../project/context.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { downFileOf, isDownFile } from '../down-files.js';
import { isEngineFolderName } from '../engine-folders.js';
import { listEntries, naturalCompare, readText } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatReader, MigrationScan } from '../types.js';
import { writePlainSql } from './plain-writer.js';
import { entry, finish, sqlFolders } from './scan-common.js';
import { collect, engineFor, readWholeFile } from './sql-common.js';

const TRANSACTION = 'depends on the runner: plain .sql files say nothing about transactions';

/**
 * A `migrations` / `migration` / `migrate` folder of .sql files no tool claimed (supabase/migrations, db/migrate …),
 * or a folder named for an engine inside one (migrations/postgres) or of numbered files (migrations/tenant), in
 * natural name order. Other folders of .sql files (seeds, schema dumps, queries) are not migrations.
 */
const MIGRATIONS_FOLDER = /^(migrations?|migrate)$/i;
/** A migrations folder, or one folder per engine below it (Authelia: migrations/postgres, migrations/mysql …). */
function isMigrationFolder(names: string[], dir: string): boolean {
  const name = baseOf(dir);
  if (MIGRATIONS_FOLDER.test(name)) return true;
  if (!MIGRATIONS_FOLDER.test(baseOf(dirOf(dir)))) return false;
  // One folder per engine, or one per database whose files are numbered (supabase/storage: migrations/tenant and
  // migrations/multitenant, 0001-initialmigration.sql …); seeds and fixtures are not migrations.
  return isEngineFolderName(name) || (!NOT_MIGRATIONS.test(name) && names.every((file) => /^\d/.test(file)));
}

/** Folders of seeds, fixtures or dumps, and the down halves a project keeps beside its ups (migrations/down). */
const NOT_MIGRATIONS = /seed|fixture|sample|example|test|dump|schema|^(down|downs|rollbacks?|undo|revert|verify)$/i;

function scanPlainSql(context: PackageContext): MigrationScan[] {
  return sqlFolders(context, isMigrationFolder).map(({ dir, names }) => {
    const all = new Set(names);
    // Down files are the rollback of their up file, never migrations of their own (as the reader sees them).
    const ups = names.filter((name) => !isDownFile(name)).sort(naturalCompare);
    const migrations = ups.map((name) => {
      const id = name.replace(/([._-]up)?\.sql$/i, '');
      return entry('sql', joinRelative(dir, name), id, id, downFileOf(name, all) !== undefined, false);
    });
    return finish('sql', TRANSACTION, dir, migrations, context);
  });
}

/**
 * A plain folder of `.sql` files applied in name order (numbers compared as numbers). Down files (`x.down.sql`,
 * `x_down.sql`, `down/x.sql`) are the rollback of their up file, never migrations of their own.
 */
export const plainSql: FormatReader = {
  format: 'sql',
  priority: 90,
  tool: 'sql',
  label: 'plain .sql folders',
  scan: scanPlainSql,
  write: writePlainSql,
  async read(context) {
    const engine = engineFor(context);
    const { files, folders } = await listEntries(context.directory);
    const all = new Set(
      files.filter((file) => file.endsWith('.sql')).map((file) => path.join(context.directory, file)),
    );
    for (const folder of folders.filter((name) => isDownFile(`${name}/x.sql`))) {
      const inside = await listEntries(path.join(context.directory, folder));
      for (const file of inside.files.filter((name) => name.endsWith('.sql')))
        all.add(path.join(context.directory, folder, file));
    }
    const ordered = [...all]
      .filter((absolute) => !isDownFile(relativeToRoot(context.directory, absolute)))
      .sort((a, b) => naturalCompare(path.basename(a), path.basename(b)));
    const result = await collect(
      context,
      ordered.map((absolute) => {
        const name = path.basename(absolute).replace(/([._-]up)?\.sql$/i, '');
        const downFile = downFileOf(absolute, all);
        return {
          absolute,
          also: downFile ? [downFile] : [],
          read: async () => {
            const migration = await readWholeFile(
              context,
              absolute,
              'sql',
              {
                id: name,
                name,
                transactional: false,
                // Runners of plain folders mostly send a file as one query (client.query(text)); psql -f does not.
                execution: 'one-query',
                notes: [
                  downFile
                    ? 'Plain SQL file: whether it runs in a transaction depends on the runner.'
                    : 'Plain SQL file: no down migration; whether it runs in a transaction depends on the runner.',
                ],
              },
              engine,
            );
            if (!downFile) return migration;
            const downPath = relativeToRoot(context.root, downFile);
            return { ...migration, down: await splitStatements((await readText(downFile)) ?? '', engine, downPath) };
          },
        };
      }),
    );
    const paired = new Set(ordered.map((absolute) => downFileOf(absolute, all)));
    for (const orphan of [...all].filter((file) => isDownFile(relativeToRoot(context.directory, file)))) {
      if (paired.has(orphan)) continue;
      const relative = relativeToRoot(context.root, orphan);
      result.errors.push({
        path: relative,
        error: {
          code: 'orphan-down',
          what: `${relative} is a down migration with no up migration beside it, so it was not read as a migration.`,
          fix: 'Give it its up file (same name with up, or without the down suffix), or delete it if the up is gone.',
          where: { file: relative },
        },
      });
    }
    return result;
  },
};
