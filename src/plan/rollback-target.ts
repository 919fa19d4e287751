import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Engine, Migration } from '../model.js';
import { detectSetup } from '../project/detect.js';
import { relativeToRoot, resolveInsideRoot } from '../root.js';
import { shadowEngineFor } from '../shadow/open.js';
import { migrationFromSql } from '../shadow/statements.js';
import { askOnce } from '../sources/consent.js';
import { downFileOf } from '../sources/down-files.js';
import { findMigrationFolders, type ReadMigrationsResult, readMigrations } from '../sources/index.js';
import { migrationIndex } from '../sources/migration-ref.js';
import type { RollbackPlanRequest } from './rollback.js';

/**
 * Which migration a rollback plan is about: one of the project's folder (by id, name, path or '.'), or raw SQL
 * planned as the next migration after the project's own; plus the files and scripts around it.
 */

export interface RollbackTarget {
  migration: Migration;
  earlier: Migration[];
  all: Migration[];
  directory: string;
  package: string;
  engine: Engine;
  notes: string[];
}

export async function resolveMigration(root: string, request: RollbackPlanRequest): Promise<RollbackTarget> {
  const consent = askOnce(request.executeProjectCode);
  if (request.sql !== undefined) {
    if (request.migration)
      throw new UserError(
        'usage',
        'Pass either migration or sql, not both.',
        'Name a migration of the project, or pass its SQL.',
      );
    const history = await projectHistory(root, request, consent);
    const named = request.engine ?? history?.engine;
    const engine: Engine = named === 'mariadb' ? 'mariadb' : shadowEngineFor(named);
    const migration = await migrationFromSql({
      id: 'sql',
      path: '<sql>',
      up: await sqlOrFile(root, request.sql),
      engine: shadowEngineFor(engine),
    });
    const earlier = history?.migrations ?? [];
    return {
      migration,
      earlier,
      all: [...earlier, migration],
      directory: history?.directory ?? '.',
      package: history?.package ?? '.',
      engine,
      notes: [
        history
          ? `the SQL was planned as the next migration after the ${earlier.length} of ${history.directory}`
          : 'no migration folder found: the SQL was planned against an empty database',
      ],
    };
  }
  if (!request.migration)
    throw new UserError(
      'usage',
      'No migration to plan the rollback of.',
      'Pass migration (an id, name or path as list_migrations shows) or sql.',
    );
  const ref = request.migration;
  let folder = request.path;
  if (!folder && /[/\\]|\.\w+$/.test(ref)) {
    const absolute = resolveInsideRoot(root, ref);
    if (await stat(absolute).catch(() => undefined))
      folder = (await findMigrationFolders(root, relativeToRoot(root, absolute)))[0]?.directory;
  }
  const result = await readMigrations(root, {
    ...(folder ? { path: folder } : {}),
    ...(request.engine ? { engine: request.engine as Engine } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    executeProjectCode: consent,
  });
  const index = migrationIndex(result.migrations, ref, result.directory);
  const migration = result.migrations[index]!;
  const earlier = result.migrations.slice(0, index);
  const notCompiled = [...earlier, migration].find((item) => item.compiled === false);
  if (notCompiled)
    throw new UserError(
      'execute-required',
      `${notCompiled.path} is a ${notCompiled.format} migration: its SQL comes from running the project's code, which happens only with consent.`,
      'Pass executeProjectCode: true (CLI: --execute) to run it in the sandbox (read-only project access, no network, no writes), or plan the rollback of its SQL.',
      { file: notCompiled.path },
    );
  const engine = (request.engine as Engine | undefined) ?? result.engine ?? 'postgresql';
  return {
    migration,
    earlier,
    all: result.migrations,
    directory: result.directory,
    package: result.package,
    engine: engine === 'cockroachdb' ? 'postgresql' : engine,
    notes: result.errors.map(
      (problem) => `${problem.path} could not be read (${problem.error.what}); the baseline lacks it`,
    ),
  };
}

/** The project's migrations the raw SQL comes after: its only folder (or `path`), when every one is readable. */
async function projectHistory(
  root: string,
  request: RollbackPlanRequest,
  consent: () => Promise<boolean>,
): Promise<ReadMigrationsResult | undefined> {
  try {
    const result = await readMigrations(root, {
      ...(request.path ? { path: request.path } : {}),
      ...(request.engine ? { engine: request.engine as Engine } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      executeProjectCode: consent,
    });
    if (result.migrations.some((item) => item.compiled === false))
      throw new UserError(
        'execute-required',
        `The migrations of ${result.directory} are ${result.format} code: the SQL comes after them, and their SQL is known only by running them.`,
        'Pass executeProjectCode: true (CLI: --execute) to run them in the sandbox.',
        { file: result.directory },
      );
    return result;
  } catch (error) {
    if (error instanceof UserError && error.code === 'migrations-not-found') return undefined;
    throw error;
  }
}

export function downFileName(root: string, migration: Migration, given: string | undefined): string {
  if (given) return /\n|;/.test(given) ? '<down>' : given;
  const origin = migration.down?.[0]?.origin?.file;
  if (origin) return origin;
  const file = downFileOf(migration.path, { has: (candidate) => existsSync(path.join(root, candidate)) });
  return file ?? migration.path;
}

export async function sqlOrFile(root: string, text: string): Promise<string> {
  if (/\n|;/.test(text) || /^\s*(create|alter|drop|insert|update|delete)\s/i.test(text)) return text;
  try {
    return await readFile(resolveInsideRoot(root, text), 'utf8');
  } catch {
    throw new UserError(
      'sql-file-not-found',
      `${text} is neither SQL nor a readable file in ${root}.`,
      'Pass the down SQL itself or a path relative to the project root.',
      { file: text },
    );
  }
}

/** What detect_setup knows of the package: its own rollback script, and its schema file (Prisma's). */
export function packageFacts(
  root: string,
  pkg: string,
): { script?: { command: string; source: string }; schemaFile?: string } {
  try {
    const setup = detectSetup(root).packages.find((item) => item.path === pkg);
    const rollback = setup?.commands.rollback;
    const schemaFile = setup?.schemaFiles.find((file) => file.endsWith('.prisma'));
    return {
      ...(rollback?.source.startsWith('package.json') ? { script: rollback } : {}),
      ...(schemaFile ? { schemaFile } : {}),
    };
  } catch {
    return {};
  }
}
