import path from 'node:path';
import { UserError } from '../../errors.js';
import type { PackageContext } from '../../project/context.js';
import { joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type Bookkeeping, numericKey, recordsUpTo, truthy } from '../bookkeeping.js';
import { listEntries } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatReader, MigrationScan } from '../types.js';
import { readTemplated, templateOptions } from './go-template.js';
import { writeGolangMigrate } from './golang-migrate-write.js';
import { entry, finish, readIndexed, sqlFolders } from './scan-common.js';
import { collect, engineFor } from './sql-common.js';

const FILE = /^(\d+)_(.+)\.(up|down)\.sql$/;

const TRANSACTION = 'none: golang-migrate does not wrap files; write BEGIN/COMMIT in the file';

/** Every folder holding `<version>_<title>.up.sql` / `.down.sql` pairs. */
function scanGolangMigrate(context: PackageContext): MigrationScan[] {
  return sqlFolders(context, (names) => names.some((name) => FILE.test(name))).map(({ dir, names }) => {
    const versions = new Map<string, { name: string; up?: string; down?: string }>();
    for (const name of names) {
      const match = FILE.exec(name);
      if (!match) continue;
      const version = versions.get(match[1]!) ?? { name: match[2]! };
      version[match[3] as 'up' | 'down'] = joinRelative(dir, name);
      versions.set(match[1]!, version);
    }
    const migrations = [...versions.entries()]
      .sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0))
      .map(([version, files]) => {
        const up = files.up ? readIndexed(context, files.up) : '';
        const down = files.down ? readIndexed(context, files.down).replace(/--.*$/gm, '').trim() : '';
        const path = files.up ?? files.down!;
        return entry('golang-migrate', path, version, files.name, down !== '', /^\s*BEGIN\b/im.test(up));
      });
    return finish('golang-migrate', TRANSACTION, dir, migrations, context);
  });
}

/** golang-migrate database/{postgres,mysql,sqlite3}: schema_migrations (version bigint, dirty boolean), one row. */
const golangMigrateBookkeeping: Bookkeeping = {
  table: 'schema_migrations',
  ownTables: ['schema_migrations'],
  records: (rows, local) =>
    rows.flatMap((row) =>
      recordsUpTo(numericKey(row.version), local, (migration) => numericKey(migration.id), truthy(row.dirty)),
    ),
  keyOf: (migration) => numericKey(migration.id),
};

/** golang-migrate: `<version>_<title>.up.sql` / `.down.sql`, applied in numeric version order. */
export const golangMigrate: FormatReader = {
  format: 'golang-migrate',
  priority: 20,
  tool: 'golang-migrate',
  label: 'golang-migrate',
  bookkeeping: golangMigrateBookkeeping,
  scan: scanGolangMigrate,
  write: writeGolangMigrate,
  async read(context) {
    const { files } = await listEntries(context.directory);
    const versions = new Map<string, { version: bigint; title: string; up?: string; down?: string }>();
    for (const file of files) {
      const match = FILE.exec(file);
      if (!match) continue;
      const [, version = '0', title = '', direction] = match;
      const entry = versions.get(version) ?? { version: BigInt(version), title };
      entry[direction === 'up' ? 'up' : 'down'] = path.join(context.directory, file);
      versions.set(version, entry);
    }
    const ordered = [...versions.entries()].sort(([, a], [, b]) =>
      a.version < b.version ? -1 : a.version > b.version ? 1 : 0,
    );
    const engine = engineFor(context);
    const configured = templateOptions(context.root);
    const rendered = async (absolute: string, relative: string, notes: string[]) =>
      splitStatements(await readTemplated(absolute, relative, configured, notes), engine, relative);
    return collect(
      context,
      ordered.map(([version, entry]) => ({
        absolute: entry.up ?? entry.down ?? context.directory,
        also: entry.down ? [entry.down] : [],
        read: async () => {
          const notes = [
            'golang-migrate sends each file as one multi-statement query and adds no transaction of its own; PostgreSQL runs such a query as one implicit transaction, MySQL does not.',
          ];
          const upPath = entry.up ? relativeToRoot(context.root, entry.up) : undefined;
          const downPath = entry.down ? relativeToRoot(context.root, entry.down) : undefined;
          if (!entry.up || !upPath) {
            // A down file alone is not a forward migration: it is reported, never listed as one.
            throw new UserError(
              'missing-up',
              `${downPath} has no ${version}_${entry.title}.up.sql beside it: golang-migrate fails on this version, and the down file was not read as a migration.`,
              `Add ${version}_${entry.title}.up.sql, or delete the down file if the migration is gone.`,
              { file: downPath ?? context.directory },
            );
          }
          if (!downPath) notes.push(`No ${version}_${entry.title}.down.sql: this version cannot be rolled back.`);
          return {
            id: version,
            name: entry.title,
            path: upPath,
            format: 'golang-migrate' as const,
            up: await rendered(entry.up, upPath, notes),
            ...(entry.down && downPath ? { down: await rendered(entry.down, downPath, notes) } : {}),
            transactional: false,
            execution: 'one-query' as const,
            notes,
          };
        },
      })),
    );
  },
};
