import path from 'node:path';
import { UserError } from '../errors.js';
import type { Engine, Migration, MigrationFormat } from '../model.js';
import { detectSetup } from '../project/detect.js';
import type { MigrationDir, MigrationEntry, PackageSetup, ToolName } from '../project/types.js';
import { isInside, relativeToRoot, resolveInsideRoot, resolveProjectRoot } from '../root.js';
import { askOnce } from './consent.js';
import { isDirectory, isFile, listEntries, selected } from './files.js';
import { FORMAT_LABELS } from './format-names.js';
import { FORMAT_READERS, moduleForTool } from './registry.js';
import type {
  FolderEngine,
  FormatRead,
  FormatReader,
  MigrationReadError,
  ReadContext,
  ReadMigrationsOptions,
  ReadMigrationsResult,
} from './types.js';

export type { MigrationReadError, ProjectCodeConsent, ReadMigrationsOptions, ReadMigrationsResult } from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/** A migration folder detect found that nothing was read from, and why. */
export interface UnreadFolder {
  package: string;
  directory: string;
  tool?: ToolName;
  /** Migrations detect listed in it. */
  count: number;
  code: 'format-not-read' | 'unknown-migration-format';
  what: string;
  fix: string;
}

export interface ProjectMigrationsResult {
  /** Every migration folder that was read, package by package, each in its own format and apply order. */
  folders: ReadMigrationsResult[];
  /** Folders detect found whose migrations could not be read at all. */
  unread: UnreadFolder[];
  /** What the project walk skipped (a capped walk, unreadable folders): migration folders there were not seen. */
  warnings: string[];
}

/** One folder to read: where detect_setup found it, and the reader for its format. */
interface Located {
  package: string;
  reader: FormatReader;
  /** Root-relative folder; the package folder itself for Django (its apps are ordered together). */
  directory: string;
  /** What detect listed there, to prove nothing was dropped. */
  entries: MigrationEntry[];
  /** Root-relative folders read with `directory` in one order (MigrationDir.alongside). */
  alongside?: string[];
  /** The engine detect found for the package (else for the root package), with where it was named. */
  packageEngine?: FolderEngine;
}

/**
 * Reads a project's migrations the way detect_setup finds them: every migration folder of every package (a
 * monorepo's packages included), each with its own format's reader, in the order its tool applies them.
 * `options.path` narrows the read to one package, folder, file or migration; `options.format` forces a format.
 * Per-file problems are returned in `errors` while the rest is still read; only "nothing found" is thrown.
 */
export async function readProjectMigrations(
  root: string,
  options: ReadMigrationsOptions = {},
): Promise<ProjectMigrationsResult> {
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
  if (options.format && !FORMAT_READERS.some((reader) => reader.format === options.format))
    throw unknownFormat(options.format);
  const { located, unread, warnings } = await locate(realRoot, target, options.format, options.maxFiles);
  if (located.length === 0 && unread.length === 0) throw notFound(realRoot, options, warnings);
  const folders: ReadMigrationsResult[] = [];
  // One question for the whole read, put only when a folder's migrations are code.
  const consent = askOnce(options.executeProjectCode);
  for (const folder of located) folders.push(await readFolder(realRoot, folder, target, options, consent));
  return { folders, unread, warnings };
}

/**
 * Reads one migration folder: the one `options.path` points into, or the project's only one. A project with
 * several folders (a monorepo, several tools) needs a path here; readProjectMigrations reads them all.
 */
export async function readMigrations(root: string, options: ReadMigrationsOptions = {}): Promise<ReadMigrationsResult> {
  const { folders, unread } = await readProjectMigrations(root, options);
  const [only] = folders;
  if (folders.length === 1 && only) return only;
  if (folders.length === 0) {
    const [first] = unread;
    throw new UserError(
      first?.code ?? 'migrations-not-found',
      first?.what ?? 'No migrations found.',
      first?.fix ?? 'Pass the migration folder.',
      { file: first?.directory ?? options.path ?? '.' },
    );
  }
  throw new UserError(
    'several-migration-folders',
    `${options.path ?? 'The project'} holds ${folders.length} migration folders: ${folders.map((folder) => `${folder.directory} (${folder.format})`).join(', ')}.`,
    'Pass the folder (or a migration in it) to read one of them.',
    { file: options.path ?? '.' },
  );
}

/** A migration folder as detect_setup finds it, without reading it. */
export interface MigrationFolder {
  package: string;
  directory: string;
  format: MigrationFormat;
  /** Path of the newest migration detect lists there (the last in apply order). */
  newest?: string;
}

/** The readable migration folders of the project (or below / around `relativePath`), without reading them. */
export async function findMigrationFolders(root: string, relativePath?: string): Promise<MigrationFolder[]> {
  const realRoot = resolveProjectRoot(root);
  const target = relativePath ? resolveInsideRoot(realRoot, relativePath) : undefined;
  const { located } = await locate(realRoot, target, undefined);
  return located.map((folder) => ({
    package: folder.package,
    directory: folder.directory,
    format: folder.reader.format,
    ...(folder.entries.length ? { newest: folder.entries.at(-1)?.path } : {}),
  }));
}

async function locate(
  root: string,
  target: string | undefined,
  format: MigrationFormat | undefined,
  maxFiles?: number,
): Promise<{ located: Located[]; unread: UnreadFolder[]; warnings: string[] }> {
  const relative = target ? relativeToRoot(root, target) || '.' : '.';
  const detected = detectSetup(root, maxFiles ? { maxFiles } : {});
  const warnings = detected.warnings.filter((warning) => /^Stopped after|folder not readable/.test(warning));
  const within = (dir: string) => relative === '.' || dir === relative || dir.startsWith(`${relative}/`);
  const contains = (dir: string) => relative === dir || relative.startsWith(`${dir}/`);
  const rootEngine = engineNamed(detected.packages.find((setup) => setup.path === '.'));
  const all = detected.packages.flatMap((setup) =>
    setup.migrationDirs.map((dir) => {
      const folders = [dir.path, ...(dir.alongside ?? [])];
      return {
        package: setup.path,
        packageEngine: engineNamed(setup) ?? rootEngine,
        dir,
        folders,
        entries: setup.migrations.filter((migration) =>
          folders.some((folder) => migration.path.startsWith(`${folder}/`)),
        ),
      };
    }),
  );
  // The deepest folder holding the target, else every folder below it (a package, or the root). A folder applied
  // with another one (db/post_migrate) is read with it, narrowed to the target.
  const holding = all
    .filter((folder) => folder.folders.some(contains))
    .sort((a, b) => b.dir.path.length - a.dir.path.length);
  let chosen = holding.length ? [holding[0]!] : all.filter((folder) => within(folder.dir.path));
  if (format) chosen = chosen.filter((folder) => folder.dir.format === format);

  const located: Located[] = [];
  const unread: UnreadFolder[] = [];
  for (const folder of chosen) {
    const reader = readerFor(folder.dir);
    if (!reader) {
      unread.push(notRead(folder.package, folder.dir));
      continue;
    }
    // Django orders the migrations of all apps of a package together: one read of the package folder.
    const narrowed = holding.length > 0;
    const directory = reader.format === 'django' && !narrowed ? folder.package : folder.dir.path;
    const same = located.find((each) => each.reader === reader && each.directory === directory);
    if (same) same.entries.push(...folder.entries);
    else
      located.push({
        package: folder.package,
        reader,
        directory,
        entries: [...folder.entries],
        ...(folder.dir.alongside ? { alongside: folder.dir.alongside } : {}),
        ...(folder.packageEngine ? { packageEngine: folder.packageEngine } : {}),
      });
  }
  if (!format) {
    for (const setup of detected.packages) {
      for (const dir of setup.unknownMigrationDirs ?? [])
        if (within(dir) || contains(dir)) unread.push(unknownFolder(setup.path, dir));
    }
  }
  if (located.length === 0 && unread.length === 0 && target) {
    const forced = await namedFolder(root, target, format);
    if (forced) located.push(forced);
  }
  return { located, unread, warnings };
}

/** The engine a package's files name, as "postgresql" plus where ("packages/api/knexfile.js: client: 'pg'"). */
function engineNamed(setup: PackageSetup | undefined): FolderEngine | undefined {
  const found = setup?.engine;
  if (!found) return undefined;
  const evidence = found.evidence[0];
  return {
    name: found.name as Engine,
    where: evidence ? `${evidence.file}: ${evidence.what}` : `package ${setup.path}`,
  };
}

/**
 * The engine one folder's migrations run on: the caller's, else the one its format declares (Prisma provider,
 * knexfile client …), else the one its package names, else the root package's — so each package of a monorepo
 * is checked for its own engine.
 */
function folderEngine(
  options: ReadMigrationsOptions,
  folder: Located,
  declared: Engine | undefined,
): FolderEngine | undefined {
  if (options.engine) return { name: options.engine, where: 'the engine option' };
  // The package's files say where the format's engine is named (knexfile client …) when they agree.
  if (declared && folder.packageEngine?.name !== declared)
    return { name: declared, where: `${folder.reader.format} configuration of ${folder.directory}` };
  return folder.packageEngine;
}

function readerFor(dir: MigrationDir): FormatReader | undefined {
  return FORMAT_READERS.find((reader) => reader.format === dir.format);
}

/**
 * A folder (or a file in it) the caller named that detect_setup does not list as a migration folder: read with
 * the format the caller forced, or as plain .sql files when it holds any; otherwise nothing is guessed.
 */
async function namedFolder(
  root: string,
  target: string,
  format: MigrationFormat | undefined,
): Promise<Located | undefined> {
  const folder = (await isDirectory(target)) ? target : path.dirname(target);
  const reader = FORMAT_READERS.find((candidate) => candidate.format === (format ?? 'sql'));
  if (!reader || !isInside(root, folder)) return undefined;
  if (!format && !(await listEntries(folder)).files.some((file) => file.endsWith('.sql'))) return undefined;
  return { package: '.', reader, directory: relativeToRoot(root, folder) || '.', entries: [] };
}

async function readFolder(
  root: string,
  folder: Located,
  target: string | undefined,
  options: ReadMigrationsOptions,
  consent: () => Promise<boolean>,
): Promise<ReadMigrationsResult> {
  const { reader } = folder;
  const directory = path.join(root, folder.directory);
  const context: ReadContext = {
    root,
    package: path.join(root, folder.package),
    directory,
    ...(folder.alongside ? { alongside: folder.alongside.map((each) => path.join(root, each)) } : {}),
    ...(target &&
    target !== directory &&
    [directory, ...(folder.alongside ?? []).map((each) => path.join(root, each))].some((each) => isInside(each, target))
      ? { only: target }
      : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
    executeProjectCode: reader.runsProjectCode || reader.runsPythonCode ? await consent() : false,
  };
  const read =
    reader.runsProjectCode && context.executeProjectCode
      ? await (await import('./isolate.js')).readIsolated(reader, context)
      : await reader.read(context);
  const errors = read.errors.map((error) => relativeError(root, error));
  errors.push(...dropped(root, folder, context, read, errors));
  return {
    package: folder.package,
    format: reader.format,
    directory: folder.directory,
    ...(folder.alongside ? { alongside: folder.alongside } : {}),
    ...(options.engine || read.engine ? { engine: options.engine ?? read.engine } : {}),
    ...withFolderEngine(folderEngine(options, folder, read.engine)),
    migrations: read.migrations.map(withEmptyHalvesNamed),
    errors,
    ...(read.notes?.length ? { notes: read.notes } : {}),
    ...(read.setAside?.length ? { setAside: read.setAside } : {}),
    ...(read.schemaNotFromStart ? { schemaNotFromStart: true } : {}),
  };
}

function withFolderEngine(engine: FolderEngine | undefined): { folderEngine?: FolderEngine } {
  return engine ? { folderEngine: engine } : {};
}

/** Migrations detect listed that the reader neither returned nor reported: never silently fewer. */
function dropped(
  root: string,
  folder: Located,
  context: ReadContext,
  read: FormatRead,
  errors: MigrationReadError[],
): MigrationReadError[] {
  // Every path read and each folder above it: an entry is covered when it is one of them (a history holds
  // hundreds of entries, so no entry is compared with every path).
  const covered = new Set<string>();
  for (const file of [
    ...read.migrations.map((migration) => migration.path),
    ...errors.map((error) => error.path),
    ...(read.setAside ?? []),
  ]) {
    for (let end = file.length; end > 0 && !covered.has(file.slice(0, end)); end = file.lastIndexOf('/', end - 1)) {
      covered.add(file.slice(0, end));
    }
  }
  const covers = (entry: string) => covered.has(entry);
  // A format with one entry per version over several files (multi-dialect folders) matches by version.
  const ids = new Set(read.migrations.map((migration) => `${migration.format}:${migration.id}`));
  return folder.entries
    .filter(
      (entry) =>
        !covers(entry.path) &&
        !ids.has(`${folder.reader.format}:${entry.id}`) &&
        selected(context.only, path.join(root, entry.path)),
    )
    .map((entry) => ({
      path: entry.path,
      error: {
        code: 'migration-not-read',
        what: `${entry.path} is a ${entry.tool} migration detect_setup lists, but the ${folder.reader.format} reader returned nothing for it.`,
        fix: 'Check the file name against the format, or read it on its own (path) to see why; please report it if the file is a valid migration.',
        where: { file: entry.path },
      },
    }));
}

function notRead(pkg: string, dir: MigrationDir): UnreadFolder {
  const label = moduleForTool(dir.tool)?.label ?? dir.tool;
  return {
    package: pkg,
    directory: dir.path,
    tool: dir.tool,
    count: dir.count,
    code: 'format-not-read',
    what: `${dir.path} holds ${dir.count} ${label} migration(s); ${label} migrations are detected but not read into SQL yet, so they were not checked.`,
    fix: `Check the SQL ${label} generates for them as .sql files (the tool's dry-run or SQL output), or pass another folder.`,
  };
}

function unknownFolder(pkg: string, dir: string): UnreadFolder {
  return {
    package: pkg,
    directory: dir,
    count: 0,
    code: 'unknown-migration-format',
    what: `${dir} looks like a migration folder, but its files match none of the formats tried: ${FORMAT_LABELS}.`,
    fix: 'Pass --format / format to read it as one of them, or point at the .sql files the tool generates.',
  };
}

function notFound(root: string, options: ReadMigrationsOptions, warnings: string[]): UserError {
  const where = options.path ?? root;
  return new UserError(
    'migrations-not-found',
    `No ${options.format ?? 'known'} migrations found in ${where}: no package holds a migration folder of the formats tried (${options.format ?? FORMAT_LABELS}).${warnings.map((warning) => ` ${warning}`).join('')}`,
    `Pass the migration folder (path) and, if needed, the format (one of: ${FORMAT_READERS.map((reader) => reader.format).join(', ')}).`,
    { file: where },
  );
}

/** An empty up is a no-op and an empty down makes the migration irreversible: said, never an error. */
function withEmptyHalvesNamed(migration: Migration): Migration {
  if (migration.compiled === false) return migration;
  const notes = [...migration.notes];
  if (migration.up.length === 0)
    notes.push('The up migration has no statement: applying it changes nothing (a no-op).');
  if (
    migration.down?.length === 0 &&
    !migration.downFails &&
    !notes.some((note) => note.includes('irreversible by design'))
  )
    notes.push('The down migration has no statement: the migration is irreversible (rolling back undoes nothing).');
  return notes.length === migration.notes.length ? migration : { ...migration, notes };
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
