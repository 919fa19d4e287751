import path from 'node:path';
import type { Engine } from '../../model.js';
import { ownFilesNamed, type PackageContext } from '../../project/context.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type Bookkeeping, type BookkeepingRow, sha256Hex } from '../bookkeeping.js';
import { isFile, listEntries, readText } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatReader, MigrationScan } from '../types.js';
import { writePrisma } from './prisma-write.js';
import { entry, finish } from './scan-common.js';
import { collect, engineFor, readWholeFile } from './sql-common.js';

const PROVIDERS: Record<string, Engine> = {
  postgresql: 'postgresql',
  postgres: 'postgresql',
  mysql: 'mysql',
  sqlite: 'sqlite',
  sqlserver: 'mssql',
  cockroachdb: 'cockroachdb',
  mongodb: 'mongodb',
};

async function providerEngine(directory: string): Promise<Engine | undefined> {
  const text = await readText(path.join(directory, 'migration_lock.toml'));
  if (!text) return undefined;
  try {
    const { parse } = await import('smol-toml');
    const provider = parse(text).provider;
    return typeof provider === 'string' ? PROVIDERS[provider] : undefined;
  } catch {
    return undefined;
  }
}

const TRANSACTION =
  'per migration (the migration script runs as one transaction on PostgreSQL; MySQL DDL commits implicitly)';

/**
 * Next to each schema.prisma (or one folder up), plus any folder holding a migration_lock.toml or named
 * prisma/migrations: a folder of Prisma migrations is read as Prisma wherever it sits (a monorepo package too).
 */
function scanPrisma(context: PackageContext): MigrationScan[] {
  const candidates = new Set<string>();
  for (const schema of ownFilesNamed(context, /\.prisma$/)) {
    candidates.add(joinRelative(dirOf(schema), 'migrations'));
    candidates.add(joinRelative(dirOf(dirOf(schema)), 'migrations'));
  }
  for (const dir of context.ownDirs) {
    if (context.files.filesIn(dir).includes('migration_lock.toml')) candidates.add(dir);
    else if (baseOf(dir) === 'migrations' && baseOf(dirOf(dir)) === 'prisma') candidates.add(dir);
  }
  const scans: MigrationScan[] = [];
  for (const dir of [...candidates].sort()) {
    if (!context.files.dirs.has(dir)) continue;
    const migrations = context.files
      .subdirsOf(dir)
      .filter((folder) => context.files.filesIn(folder).includes('migration.sql'))
      .sort()
      .map((folder) => {
        const id = baseOf(folder);
        const hasDown = context.files.filesIn(folder).includes('down.sql');
        return entry('prisma', folder, id, id.replace(/^\d+_/, ''), hasDown, true);
      });
    if (migrations.length || context.files.filesIn(dir).includes('migration_lock.toml')) {
      scans.push(finish('prisma', TRANSACTION, dir, migrations, context));
    }
  }
  return scans;
}

/**
 * prisma-engines schema-engine sql-schema-connector (flavour/postgres.rs, mysql.rs, sqlite.rs): _prisma_migrations
 * (id, checksum = sha256 of migration.sql in hex, finished_at, migration_name, logs, rolled_back_at, started_at,
 * applied_steps_count). A row neither finished nor rolled back is a failed migration; a rolled-back row no longer
 * counts (`migrate resolve --rolled-back`), so the folder is pending again.
 */
const prismaBookkeeping: Bookkeeping = {
  table: '_prisma_migrations',
  ownTables: ['_prisma_migrations'],
  records: (rows) => {
    const byName = new Map<string, BookkeepingRow[]>();
    for (const row of rows) {
      if (row.rolled_back_at != null) continue;
      const name = String(row.migration_name);
      byName.set(name, [...(byName.get(name) ?? []), row]);
    }
    return [...byName].map(([name, named]) => {
      const finished = named.find((row) => row.finished_at != null);
      const row = finished ?? named[0];
      return {
        key: name,
        label: name,
        state: finished ? 'applied' : 'failed',
        ...(row?.checksum ? { checksum: String(row.checksum) } : {}),
      };
    });
  },
  keyOf: (migration) => path.posix.basename(path.posix.dirname(migration.path)),
  checksum: sha256Hex,
};

/** Prisma Migrate: `prisma/migrations/<timestamp>_<name>/migration.sql`, in folder-name order, up only. */
export const prisma: FormatReader = {
  format: 'prisma',
  priority: 1,
  tool: 'prisma',
  label: 'Prisma',
  bookkeeping: prismaBookkeeping,
  scan: scanPrisma,
  write: writePrisma,
  async read(context) {
    const declared = await providerEngine(context.directory);
    const engine = engineFor(context, declared);
    const { folders } = await listEntries(context.directory);
    const migrations: string[] = [];
    for (const folder of folders) {
      if (await isFile(path.join(context.directory, folder, 'migration.sql'))) migrations.push(folder);
    }
    const result = await collect(
      context,
      migrations.sort().map((folder) => {
        const absolute = path.join(context.directory, folder, 'migration.sql');
        const [, id = folder, name = folder] = /^(\d+)_(.+)$/.exec(folder) ?? [];
        return {
          absolute,
          read: async () => {
            const deploy =
              'prisma migrate deploy sends the file as one script without its own transaction; on PostgreSQL a multi-statement script runs as one implicit transaction.';
            // Prisma's down-migration workflow keeps the down in down.sql beside migration.sql (the writer's too).
            const downFile = path.join(context.directory, folder, 'down.sql');
            const downText = await readText(downFile);
            const migration = await readWholeFile(
              context,
              absolute,
              'prisma',
              {
                id,
                name,
                transactional: false,
                execution: 'one-query',
                notes: [
                  downText === undefined
                    ? 'Prisma migrations have no down; the rollback plan derives one.'
                    : `Down: ${relativeToRoot(context.root, downFile)} (run it with prisma db execute).`,
                  deploy,
                ],
              },
              engine,
            );
            if (downText === undefined) return migration;
            return {
              ...migration,
              down: await splitStatements(downText, engine, relativeToRoot(context.root, downFile)),
            };
          },
        };
      }),
      declared,
    );
    if (!declared) {
      result.errors.push({
        path: relativeToRoot(context.root, path.join(context.directory, 'migration_lock.toml')),
        error: {
          code: 'prisma-lock-missing',
          what: 'migration_lock.toml is missing or has no provider, so the database engine is unknown.',
          fix: 'Run `prisma migrate dev` once to write migration_lock.toml, or pass the engine explicitly.',
          where: { file: relativeToRoot(context.root, path.join(context.directory, 'migration_lock.toml')) },
        },
      });
    }
    return result;
  },
};
