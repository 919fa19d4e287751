import path from 'node:path';
import { UserError } from '../errors.js';
import type { MigrationFormat } from '../model.js';
import { isInside, relativeToRoot, resolveInsideRoot, resolveProjectRoot } from '../project/root.js';
import { isDirectory, isFile } from './files.js';
import { readIsolated } from './isolate.js';
import { FORMAT_READERS } from './registry.js';
import type { FormatReader, MigrationReadError, ReadMigrationsOptions, ReadMigrationsResult } from './types.js';

export type { MigrationReadError, ReadMigrationsOptions, ReadMigrationsResult } from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/** Folders where migration tools keep their files by default, looked at when the caller names none. */
const COMMON_FOLDERS = [
  'prisma/migrations',
  'drizzle',
  'migrations',
  'db/migrations',
  'db/migrate',
  'database/migrations',
  'src/migrations',
  'src/migration',
  'src/db/migrations',
  'src/database/migrations',
  'sql/migrations',
  'migrations/sql',
  'supabase/migrations',
  'db/migration',
  'src/main/resources/db/migration',
  'sql',
];

/**
 * Reads a project's migrations in the order its tool applies them. `options.path` narrows the read to one
 * migration file or folder; the format is detected from the layout unless given. Problems with single files
 * are returned in `errors` while the rest is still read; only "no migrations found" is thrown.
 */
export async function readMigrations(root: string, options: ReadMigrationsOptions = {}): Promise<ReadMigrationsResult> {
  const realRoot = resolveProjectRoot(root);
  const target = options.path ? resolveInsideRoot(realRoot, options.path) : undefined;
  if (target && !(await isFile(target)) && !(await isDirectory(target))) {
    throw new UserError(
      'migration-path-not-found',
      `${options.path} does not exist in ${realRoot}.`,
      'Pass a migration file or folder that exists, relative to the project root.',
      { file: options.path },
    );
  }
  const readers = options.format ? FORMAT_READERS.filter((reader) => reader.format === options.format) : FORMAT_READERS;
  if (options.format && readers.length === 0) throw unknownFormat(options.format);
  const located = await locate(realRoot, target, readers);
  if (!located) {
    const where = options.path ?? realRoot;
    throw new UserError(
      'migrations-not-found',
      `No ${options.format ?? 'known'} migrations found in ${where}.`,
      `Pass the migration folder (path) and, if needed, the format (one of: ${FORMAT_READERS.map((reader) => reader.format).join(', ')}).`,
      { file: where },
    );
  }
  const { reader, directory } = located;
  const context = {
    root: realRoot,
    directory,
    ...(target && target !== directory ? { only: target } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
    executeProjectCode: options.executeProjectCode === true,
  };
  const read =
    reader.runsProjectCode && context.executeProjectCode
      ? await readIsolated(reader, context)
      : await reader.read(context);
  return {
    format: reader.format,
    directory: relativeToRoot(realRoot, directory) || '.',
    ...(options.engine || read.engine ? { engine: options.engine ?? read.engine } : {}),
    migrations: read.migrations,
    errors: read.errors.map((error) => relativeError(realRoot, error)),
    ...(read.notes?.length ? { notes: read.notes } : {}),
  };
}

async function locate(
  root: string,
  target: string | undefined,
  readers: FormatReader[],
): Promise<{ reader: FormatReader; directory: string } | undefined> {
  const candidates: string[] = [];
  if (target) {
    let folder = (await isDirectory(target)) ? target : path.dirname(target);
    for (let depth = 0; depth < 3 && isInside(root, folder); depth++) {
      candidates.push(folder);
      if (folder === root) break;
      folder = path.dirname(folder);
    }
  } else {
    candidates.push(root, ...COMMON_FOLDERS.map((folder) => path.join(root, folder)));
  }
  for (const candidate of candidates) {
    if (!(await isDirectory(candidate))) continue;
    for (const reader of readers) {
      // A stray .sql file in the project root is not a migration folder unless the caller pointed at it.
      if (reader.format === 'sql' && candidate === root && !target) continue;
      const directory = await reader.locate(root, candidate);
      if (directory && isInside(root, directory)) return { reader, directory };
    }
  }
  return undefined;
}

function relativeError(root: string, error: MigrationReadError): MigrationReadError {
  const file = error.error.where?.file;
  if (!file || !path.isAbsolute(file) || !isInside(root, file)) return error;
  return { ...error, error: { ...error.error, where: { ...error.error.where, file: relativeToRoot(root, file) } } };
}

function unknownFormat(format: MigrationFormat): UserError {
  return new UserError(
    'unsupported-format',
    `Reading ${format} migrations is not supported.`,
    `Use one of: ${FORMAT_READERS.map((reader) => reader.format).join(', ')}.`,
  );
}
