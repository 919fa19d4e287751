import { ownFilesNamed, type PackageContext } from '../../project/context.js';
import { parseTomlText } from '../../project/parse.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import { childPath, relativeToRoot } from '../../root.js';
import { type Bookkeeping, recordsByColumn } from '../bookkeeping.js';
import { isFile, listEntries, readText } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatReader, MigrationScan } from '../types.js';
import { writeDiesel } from './diesel-write.js';
import { conventionalDirs, entry, finish, readIndexed } from './scan-common.js';
import { collect, engineFor } from './sql-common.js';

const FOLDER = /^([0-9][0-9_-]*?)_(.+)$/;

async function migrationFolders(directory: string): Promise<string[]> {
  const { folders } = await listEntries(directory);
  const found: string[] = [];
  for (const folder of folders) {
    if (FOLDER.test(folder) && (await isFile(childPath(directory, `${folder}/up.sql`)))) found.push(folder);
  }
  return found;
}

const TRANSACTION = 'per migration (opt out with run_in_transaction = false in metadata.toml)';

/** diesel.toml's migrations_directory (default `migrations`); else migration folders of `<version>_<name>/up.sql`. */
function scanDiesel(context: PackageContext): MigrationScan[] {
  const toml = ownFilesNamed(context, /^diesel\.toml$/)[0];
  let dirs: string[] = [];
  if (toml || context.tools.has('diesel')) {
    let configured: string | undefined;
    if (toml) {
      const parsed = parseTomlText(readIndexed(context, toml), toml);
      const section = parsed.migrations_directory as { dir?: unknown } | undefined;
      if (typeof section?.dir === 'string') configured = section.dir;
    }
    dirs = [joinRelative(toml ? dirOf(toml) : context.dir, configured ?? 'migrations')];
  }
  if (!dirs.some((dir) => context.files.dirs.has(dir))) {
    dirs = conventionalDirs(context).filter((dir) => scannedFolders(context, dir).length > 0);
  }
  return dirs
    .filter((dir) => context.files.dirs.has(dir))
    .map((dir) => {
      const migrations = scannedFolders(context, dir).map((folder) => {
        const id = baseOf(folder);
        const files = context.files.filesIn(folder);
        const down = files.includes('down.sql')
          ? readIndexed(context, joinRelative(folder, 'down.sql')).replace(/--.*$/gm, '').trim()
          : '';
        const metadata = files.includes('metadata.toml')
          ? readIndexed(context, joinRelative(folder, 'metadata.toml'))
          : '';
        const transactional = !/run_in_transaction\s*=\s*false/.test(metadata);
        return entry('diesel', folder, id, id.replace(/^[\d-]+_/, ''), down !== '', transactional);
      });
      return finish('diesel', TRANSACTION, dir, migrations, context);
    });
}

function scannedFolders(context: PackageContext, dir: string): string[] {
  return context.files
    .subdirsOf(dir)
    .filter((folder) => FOLDER.test(baseOf(folder)) && context.files.filesIn(folder).includes('up.sql'))
    .sort();
}

/**
 * diesel_migrations: __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY, run_on); the version is the
 * folder name before its first "_" with the dashes removed (migrations_internals::version_from_string).
 */
const dieselBookkeeping: Bookkeeping = {
  table: '__diesel_schema_migrations',
  ownTables: ['__diesel_schema_migrations'],
  records: (rows) => recordsByColumn(rows, 'version'),
  keyOf: (migration) => migration.id.replace(/-/g, ''),
};

/**
 * Diesel: `migrations/<version>_<name>/up.sql` + `down.sql`, applied in version order, each in a transaction
 * unless its metadata.toml says `run_in_transaction = false`.
 */
export const diesel: FormatReader = {
  format: 'diesel',
  priority: 10,
  tool: 'diesel',
  label: 'Diesel',
  bookkeeping: dieselBookkeeping,
  scan: scanDiesel,
  write: writeDiesel,
  async read(context) {
    const engine = engineFor(context);
    const folders = (await migrationFolders(context.directory)).sort();
    return collect(
      context,
      folders.map((folder) => {
        const absolute = childPath(context.directory, folder);
        return {
          absolute,
          read: async () => {
            const [, version = folder, name = folder] = FOLDER.exec(folder) ?? [];
            const upPath = relativeToRoot(context.root, childPath(absolute, 'up.sql'));
            const downFile = childPath(absolute, 'down.sql');
            const downText = await readText(downFile);
            const metadata = (await readText(childPath(absolute, 'metadata.toml'))) ?? '';
            const transactional = !/^\s*run_in_transaction\s*=\s*false\b/m.test(metadata);
            const notes: string[] = [];
            if (!transactional) notes.push('metadata.toml sets run_in_transaction = false.');
            if (downText === undefined) notes.push(`No ${folder}/down.sql: diesel migration revert cannot undo it.`);
            return {
              id: version,
              name,
              path: upPath,
              format: 'diesel' as const,
              up: await splitStatements((await readText(childPath(absolute, 'up.sql'))) ?? '', engine, upPath),
              ...(downText !== undefined
                ? { down: await splitStatements(downText, engine, relativeToRoot(context.root, downFile)) }
                : {}),
              transactional,
              // Diesel runs up.sql with batch_execute, one query, with or without its transaction (diesel issue 4552).
              execution: 'one-query' as const,
              notes,
            };
          },
        };
      }),
    );
  },
};
