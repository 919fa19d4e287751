import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Engine } from '../../model.js';
import { relativeToRoot } from '../../project/root.js';
import { isDirectory, isFile, listEntries, readText } from '../files.js';
import type { FormatReader } from '../types.js';
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
    const provider = parseToml(text).provider;
    return typeof provider === 'string' ? PROVIDERS[provider] : undefined;
  } catch {
    return undefined;
  }
}

/** Prisma Migrate: `prisma/migrations/<timestamp>_<name>/migration.sql`, in folder-name order, up only. */
export const prisma: FormatReader = {
  format: 'prisma',
  priority: 1,
  async locate(_root, candidate) {
    if (await isFile(path.join(candidate, 'migration_lock.toml'))) return candidate;
    if (await isFile(path.join(candidate, 'prisma', 'migrations', 'migration_lock.toml')))
      return path.join(candidate, 'prisma', 'migrations');
    if (await isDirectory(path.join(candidate, 'prisma', 'migrations')))
      return path.join(candidate, 'prisma', 'migrations');
    if (path.basename(candidate) === 'migrations' && path.basename(path.dirname(candidate)) === 'prisma')
      return candidate;
    if (
      (await isFile(path.join(candidate, 'migration.sql'))) &&
      (await isFile(path.join(path.dirname(candidate), 'migration_lock.toml')))
    ) {
      return path.dirname(candidate);
    }
    return undefined;
  },
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
          read: () =>
            readWholeFile(
              context,
              absolute,
              'prisma',
              {
                id,
                name,
                transactional: false,
                execution: 'one-query',
                notes: [
                  'Prisma migrations have no down; the rollback plan derives one.',
                  'prisma migrate deploy sends the file as one script without its own transaction; on PostgreSQL a multi-statement script runs as one implicit transaction.',
                ],
              },
              engine,
            ),
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
