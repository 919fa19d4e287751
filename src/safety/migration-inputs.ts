import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Engine, Migration, MigrationFormat, Statement } from '../model.js';
import { knownText, readFileOnce } from '../project/read-once.js';
import { baseOf } from '../project/walk.js';
import { relativeToRoot, resolveInsideRoot } from '../root.js';
import { askOnce } from '../sources/consent.js';
import { isDownFile } from '../sources/down-files.js';
import { engineNamedByFolder } from '../sources/engine-folders.js';
import {
  implicitTransactionNote,
  noTransactionFix,
  oneQueryWithOwnTransaction,
  ownTransactionInOneQueryNote,
  runsAsImplicitTransaction,
} from '../sources/execution.js';
import { naturalCompare } from '../sources/files.js';
import { TEMPLATE_NOTE } from '../sources/formats/go-template.js';
import type { ProjectCodeConsent } from '../sources/types.js';
import { listSqlFiles, loadSqlInputs, type SourceOrigin, type SqlInput } from './inputs.js';

/**
 * Turns migration files and folders of any supported format (golang-migrate, dbmate, goose, sql-migrate, Flyway,
 * Diesel, Prisma, Drizzle, knex, TypeORM, Sequelize, Alembic, Django, plain SQL) into safety-check inputs: the
 * SQL each migration runs, its own transaction mode, its down migration (or the fact that it has none), the
 * `.ts` line each compiled statement came from, and the earlier migrations of the folder as catalog history.
 * Globs and plain `.sql` folders keep the SQL loader's behaviour (natural order, paired `*.down.sql`).
 */

export interface MigrationInputOptions {
  /** Compile JS/TS/Python migrations (runs project code; JS/TS in the sandbox, with a time limit). */
  executeProjectCode?: ProjectCodeConsent;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The engine the caller named; readMigrations then splits SQL for it. */
  engine?: Engine;
}

export type InputError = ReturnType<UserError['toJSON']>;

export interface MigrationInputs {
  inputs: SqlInput[];
  /** Migrations before the first checked one in its folder (for a single file), oldest first. */
  history: Array<{ sql: string; file: string }>;
  /** Files that could not be read or compiled, each with file:line:col and a fix. */
  errors: InputError[];
  /** The engine a migration format declared (knexfile client, Prisma provider, Drizzle dialect), with where. */
  engine?: { name: Engine; where: string };
  /** Formats that were read, e.g. ["knex"]. */
  formats: MigrationFormat[];
  /** Things the caller should know (history that could not be read …). */
  notes: string[];
  /**
   * Every input came from a migration folder read from its first migration with nothing left unread: the schema
   * is then fully known, so a table or column no earlier migration created is reported as a mistake.
   */
  historyComplete: boolean;
  /**
   * The history found may not start at the database's beginning: numbered plain .sql files before the one checked,
   * or the migrations before one of a format folder with an earlier one left unread.
   */
  historyPartial?: boolean;
}

/** Formats whose migrations are code: reading them runs the project's code. */
const CODE_FORMATS = new Set<MigrationFormat>([
  'knex',
  'typeorm',
  'sequelize',
  'node-pg-migrate',
  'kysely',
  'mikro-orm',
  'db-migrate',
]);
/** Formats whose folder holds no SQL of its own, so a .sql file beside the migrations is not a stray one. */
const NO_SQL_FILES = new Set<MigrationFormat>(['knex', 'typeorm', 'sequelize', 'kysely', 'alembic', 'django']);

export async function loadMigrationInputs(
  root: string,
  paths: string[],
  options: MigrationInputOptions = {},
): Promise<MigrationInputs> {
  const consent = askOnce(options.executeProjectCode);
  const result: MigrationInputs = {
    inputs: [],
    history: [],
    errors: [],
    formats: [],
    notes: [],
    historyComplete: true,
  };
  const earlierOf = new Map<string, EarlierOf>();
  for (const target of withoutCoveredPaths(root, paths)) {
    if (/[*?[{]/.test(target)) {
      result.historyComplete = false;
      result.inputs.push(...(await loadSqlInputs(root, [target])));
      continue;
    }
    const absolute = resolveInsideRoot(root, target);
    const relative = relativeToRoot(root, absolute) || '.';
    if (isPlainSqlFile(root, absolute)) {
      // Nothing in its name, text or folder belongs to a migration tool: skip loading the format readers.
      result.historyComplete = false;
      result.inputs.push(...(await loadSqlInputs(root, [target])));
      if (paths.length === 1) {
        const earlier = numberedFilesBefore(root, absolute);
        result.history.push(...earlier.history);
        if (earlier.history.length > 0) result.historyPartial = true;
        for (const file of earlier.unread)
          result.notes.push(`${file} (earlier migration) could not be read, so the tables it creates are unknown.`);
        for (const file of earlier.outside)
          result.notes.push(
            `${file} (earlier migration) links to a path outside the project root and was not read, so the tables it creates are unknown.`,
          );
      }
      continue;
    }
    const readOptions = readOptionsOf(options, consent);
    const { readProjectMigrations } = await import('../sources/index.js');
    let project: Awaited<ReturnType<typeof readProjectMigrations>>;
    try {
      // The folders detect_setup finds (every package of a monorepo), or the one the target points into.
      project = await readProjectMigrations(root, relative === '.' ? readOptions : { ...readOptions, path: relative });
    } catch (error) {
      // Not a migration layout we know (a lone .sql file, a folder of scripts): the SQL loader decides.
      if (error instanceof UserError && error.code === 'migrations-not-found' && relative !== '.') {
        result.historyComplete = false;
        result.inputs.push(...(await loadSqlInputs(root, [target])));
        continue;
      }
      throw error;
    }
    for (const warning of project.warnings) result.notes.push(`${warning} Migration folders there were not checked.`);
    for (const folder of project.unread) {
      result.errors.push({ code: folder.code, what: folder.what, where: { file: folder.directory }, fix: folder.fix });
    }
    if (project.folders.length > 1) {
      result.historyComplete = false;
      // Reported per package: each folder is checked in its own format and order.
      for (const folder of project.folders)
        result.notes.push(
          `package ${folder.package}: ${folder.migrations.length} ${folder.format} migration(s) in ${[folder.directory, ...(folder.alongside ?? [])].join(' + ')}`,
        );
    }
    /**
     * One file (or one migration folder) of a larger folder: the migrations before it are its history. Noted here
     * and read once every path is read, so files of one folder named by several paths share one history.
     */
    const addEarlierMigrations = async (
      narrowed: (typeof project.folders)[number],
      targets: Migration[],
      plain = false,
    ) => {
      if (targets.length === 0) return;
      const entry = earlierOf.get(narrowed.directory) ?? { narrowed, targets: new Set<string>(), plain };
      for (const target of targets) entry.targets.add(target.path);
      earlierOf.set(narrowed.directory, entry);
    };
    for (const narrowed of project.folders) {
      const named = options.engine ? undefined : engineNamedByFolder(narrowed.directory);
      const foreign = named && !named.engine ? named.label : undefined;
      if (foreign) {
        result.historyComplete = false;
        result.errors.push({
          code: 'unsupported-engine',
          what: `${narrowed.directory} is named for ${foreign}: its ${narrowed.format} migrations are ${foreign} SQL, which the check does not know (it checks PostgreSQL, MySQL/MariaDB and SQLite), so they were not checked.`,
          where: { file: narrowed.directory },
          fix: `Check the other migration folders by naming them (db-migration-agent check <folder>); if these files are in fact SQL of a supported engine, pass --engine.`,
        });
        continue;
      }
      // Every input read from this folder carries it and its engine: each package is checked for its own engine.
      const fromFolder = (inputs: SqlInput[]) =>
        inputs.map((input) => ({
          ...input,
          folder: narrowed.directory,
          ...(narrowed.folderEngine ? { engine: narrowed.folderEngine } : {}),
        }));
      // The target itself when it lies in the folder; the folder when the target is a package or the root.
      const holds = (folder: string, inside: string) => inside === folder || inside.startsWith(`${folder}/`);
      const inFolder = [narrowed.directory, ...(narrowed.alongside ?? [])].some((folder) => holds(folder, relative));
      const scope = inFolder ? target : narrowed.directory;
      const scopeRelative = inFolder ? relative : narrowed.directory;
      const scopeAbsolute = inFolder ? absolute : resolveInsideRoot(root, narrowed.directory);
      const unclaimed = narrowed.migrations.length === 0 && narrowed.errors.length === 0;
      // A part of the folder: below it, or in (or below) a folder read with it.
      const partOfFolder =
        narrowed.directory !== '.' &&
        (scopeRelative.startsWith(`${narrowed.directory}/`) ||
          (narrowed.alongside ?? []).some((folder) => holds(folder, scopeRelative)));
      if (narrowed.format === 'sql' || (unclaimed && listSqlFiles(root, scopeRelative).length > 0)) {
        // Plain SQL, or a .sql file the folder's format does not claim: natural order, paired *.down.sql.
        for (const error of narrowed.errors)
          if (error.error.code === 'orphan-down') result.notes.push(readError(error).what);
        result.historyComplete = false;
        if (narrowed.format === 'sql' && partOfFolder) {
          // Plain .sql files may not start at the database's beginning (a schema dump elsewhere).
          await addEarlierMigrations(narrowed, narrowed.migrations, true);
        }
        const read = await loadSqlInputs(root, [scope]);
        result.inputs.push(...fromFolder(narrowed.format === 'sql' ? read.map(asOneQuery(narrowed.migrations)) : read));
        continue;
      }
      if (unclaimed) {
        result.errors.push({
          code: 'no-migrations',
          what: `${scopeRelative} holds no ${narrowed.format} migration.`,
          where: { file: scopeRelative },
          fix: `Pass a ${narrowed.format} migration file or the folder ${narrowed.directory}.`,
        });
        continue;
      }
      const stray = straySqlFiles(root, scopeAbsolute, narrowed.migrations, [
        ...narrowed.errors,
        ...(narrowed.setAside ?? []).map((file) => ({ path: file })),
      ]);
      if (stray.length > 0) {
        // A folder that mixes layouts (diesel-style folders beside loose .sql files): check every .sql file
        // rather than silently dropping the ones the format does not claim.
        result.notes.push(
          `${scopeRelative}: ${stray.slice(0, 3).join(', ')}${stray.length > 3 ? ` and ${stray.length - 3} more` : ''} ${stray.length === 1 ? 'is' : 'are'} not ${narrowed.format} migration(s); every .sql file below ${scopeRelative} was checked as plain SQL in natural order.`,
        );
        result.historyComplete = false;
        result.inputs.push(...fromFolder(await loadSqlInputs(root, [scope])));
        continue;
      }
      if (!result.formats.includes(narrowed.format)) result.formats.push(narrowed.format);
      // What the reader says of the folder as a whole: the dialect it read and those it did not, its translation.
      for (const note of narrowed.notes ?? []) result.notes.push(`${narrowed.directory}: ${note}`);
      if (narrowed.engine && !result.engine) {
        result.engine = { name: narrowed.engine, where: `${narrowed.format} configuration of ${narrowed.directory}` };
      }
      // A missing down is not a read failure: the migration is checked and "rollback present" fails.
      const failed = narrowed.errors.filter((error) => error.error.code !== 'missing-down');
      for (const error of failed) result.errors.push(readError(error));
      for (const error of narrowed.errors)
        if (error.error.code === 'missing-down') result.notes.push(readError(error).what);
      const targets = narrowed.migrations;
      if (partOfFolder) await addEarlierMigrations(narrowed, targets);
      // The first migration read after one that could not be: the schema it starts from is not fully known.
      const unread = new Set(failed.map((error) => error.path));
      for (const migration of targets) if (isUncompiled(migration)) unread.add(migration.path);
      // Folders read together are ordered by file name (the version), not by path.
      const order = narrowed.alongside
        ? (a: string, b: string) => naturalCompare(baseOf(a), baseOf(b))
        : naturalCompare;
      const gaps = [...unread].sort(order);
      let gap = 0;
      const uncompiled: Migration[] = [];
      // A DSL migration with calls that could not be translated (reported at their lines) still has its other
      // calls' SQL checked: as a migration after an unread one, for what those calls may have changed.
      const partial = partlyTranslated(failed);
      for (const migration of targets) {
        if (unread.has(migration.path) && !(partial.has(migration.path) && !isUncompiled(migration))) {
          if (isUncompiled(migration) && !failed.some((error) => error.path === migration.path))
            uncompiled.push(migration);
          continue;
        }
        let afterUnread = false;
        while (gap < gaps.length && order(gaps[gap] as string, migration.path) < 0) {
          afterUnread = true;
          gap++;
        }
        if (partial.has(migration.path)) afterUnread = true;
        const input: SqlInput = {
          ...toInput(root, migration),
          ...(afterUnread ? { afterUnread } : {}),
          ...(partOfFolder || narrowed.schemaNotFromStart ? {} : { folderFromStart: true }),
        };
        result.inputs.push(...fromFolder([input]));
      }
      result.errors.push(...notCompiledErrors(uncompiled, narrowed.directory, await consent()));
    }
  }
  for (const entry of earlierOf.values())
    await readEarlier(root, entry, result, consent, readOptionsOf(options, consent));
  if (
    paths.length !== 1 ||
    result.errors.length > 0 ||
    result.notes.some((note) => note.includes('(earlier migration)'))
  )
    result.historyComplete = false;
  // A file no format or configuration gave an engine: a folder named for one says it (migrations/postgres/…).
  if (!options.engine) result.inputs = result.inputs.map(withFolderNamedEngine);
  return result;
}

/**
 * The paths, each once, without those inside another path's folder: `check migrations migrations/x/up.sql`
 * checks x once, where the folder reads it.
 */
function withoutCoveredPaths(root: string, paths: string[]): string[] {
  const relativeOf = (target: string) => {
    if (/[*?[{]/.test(target)) return undefined;
    try {
      return relativeToRoot(root, resolveInsideRoot(root, target)) || '.';
    } catch {
      return undefined; // reported where the path is read
    }
  };
  const relatives = paths.map(relativeOf);
  return paths.filter((_, at) => {
    const relative = relatives[at];
    if (relative === undefined) return true;
    return !relatives.some(
      (other, index) =>
        other !== undefined &&
        other !== '.' &&
        (relative.startsWith(`${other}/`) || (other === relative && index < at)),
    );
  });
}

/**
 * Read errors that leave the rest of a migration's SQL known: calls left untranslated (Rails, Ecto), a call whose
 * SQL is built at run time and SQL in a branch taken only at run time (MikroORM, db-migrate).
 */
const PARTIAL_READS = new Set(['untranslated-call', 'sql-not-static', 'sql-conditional']);

/** Migrations whose only read errors are PARTIAL_READS: the rest of their SQL is checked. */
function partlyTranslated(failed: ReadonlyArray<{ path: string; error: { code: string } }>): Set<string> {
  const partial = new Set<string>();
  const otherwise = new Set<string>();
  for (const error of failed) (PARTIAL_READS.has(error.error.code) ? partial : otherwise).add(error.path);
  for (const path of otherwise) partial.delete(path);
  return partial;
}

type ProjectFolder = Awaited<ReturnType<typeof import('../sources/index.js').readProjectMigrations>>['folders'][number];

function readOptionsOf(options: MigrationInputOptions, consent: () => Promise<boolean>) {
  return {
    executeProjectCode: consent,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
  };
}

/** The checked migrations of one folder, and whether it is plain SQL (which may not start at the beginning). */
interface EarlierOf {
  narrowed: ProjectFolder;
  targets: Set<string>;
  plain: boolean;
}

/**
 * The history of the checked migrations of one folder: the migrations before the first of them (its read errors
 * too, and only those); each later checked migration gets the unchecked ones between it and the one before as
 * `before`, and the folder's inputs are put in apply order, so none sees a migration that runs after it.
 */
async function readEarlier(
  root: string,
  { narrowed, targets, plain }: EarlierOf,
  result: MigrationInputs,
  consent: () => Promise<boolean>,
  readOptions: ReturnType<typeof readOptionsOf>,
): Promise<void> {
  const { readMigrations } = await import('../sources/index.js');
  const whole = await readMigrations(root, { ...readOptions, path: narrowed.directory, format: narrowed.format });
  const position = new Map(whole.migrations.map((migration, index) => [migration.path, index]));
  const first = whole.migrations.findIndex((migration) => targets.has(migration.path));
  let added = 0;
  for (const earlier of whole.migrations.slice(0, Math.max(0, first))) {
    if (isUncompiled(earlier)) {
      result.historyPartial = true;
      result.notes.push(
        `${earlier.path} (earlier migration) was not compiled, so the tables it creates are unknown${(await consent()) ? '' : '; pass --execute / executeProjectCode: true'}.`,
      );
      continue;
    }
    result.history.push({ sql: migrationText(root, earlier).sql, file: earlier.path });
    added++;
  }
  if (plain && added > 0) result.historyPartial = true;
  // Only what could not be read before the first checked migration (version order) is missing from its history.
  const firstPath = whole.migrations[first]?.path;
  const order = narrowed.alongside ? (a: string, b: string) => naturalCompare(baseOf(a), baseOf(b)) : naturalCompare;
  for (const error of whole.errors) {
    if (targets.has(error.path) || narrowed.errors.some((each) => each.path === error.path)) continue;
    if (firstPath !== undefined && order(error.path, firstPath) > 0) continue;
    result.historyPartial = true;
    // Its other statements are in the history (a Medusa setup with one branch left out): not "could not be read".
    const partly = position.has(error.path) ? 'was read only in part' : 'could not be read';
    result.notes.push(`${error.path} (earlier migration) ${partly}: ${error.error.what}`);
  }
  // The folder's checked inputs, in apply order, each after the unchecked migrations that run before it.
  const slots: number[] = [];
  result.inputs.forEach((input, index) => {
    if (input.folder === narrowed.directory && position.has(input.file)) slots.push(index);
  });
  const inputs = slots
    .map((slot) => result.inputs[slot] as SqlInput)
    .sort((a, b) => (position.get(a.file) ?? 0) - (position.get(b.file) ?? 0));
  let previous = first;
  inputs.forEach((input, at) => {
    const index = position.get(input.file) ?? 0;
    const between = whole.migrations
      .slice(previous + 1, index)
      .filter((migration) => !targets.has(migration.path) && !isUncompiled(migration));
    previous = index;
    result.inputs[slots[at] as number] =
      between.length > 0
        ? {
            ...input,
            before: between.map((migration) => ({ sql: migrationText(root, migration).sql, file: migration.path })),
          }
        : input;
  });
}

function withFolderNamedEngine(input: SqlInput): SqlInput {
  if (input.engine) return input;
  const named = engineNamedByFolder(input.file.slice(0, Math.max(0, input.file.lastIndexOf('/'))));
  return named?.engine ? { ...input, engine: { name: named.engine, where: `the folder name ${named.folder}` } } : input;
}

/** Names and markers by which a migration tool claims a .sql file (golang-migrate, Diesel, Prisma, Flyway …). */
const TOOL_FILE_NAME = /\.(up|down)\.sql$|^[VUR][\d._]*__/i;
/** Names a tool gives the file inside each migration's own folder (Prisma's migration.sql, Diesel's up/down.sql). */
const FOLDER_FILE_NAME = /^(up|down|migration)\.sql$/i;
const TOOL_MARKER = /^\s*--\s*(migrate:(up|down)|\+goose\b|\+migrate\b)/im;

/**
 * A numbered plain .sql file (`004_add_index.sql`) checked alone: the numbered files before it in its folder, in
 * natural order, are the migrations applied before it, so the tables they create are known to its check.
 */
function numberedFilesBefore(
  root: string,
  absolute: string,
): { history: Array<{ sql: string; file: string }>; unread: string[]; outside: string[] } {
  const name = path.basename(absolute);
  const found = {
    history: [] as Array<{ sql: string; file: string }>,
    unread: [] as string[],
    outside: [] as string[],
  };
  if (!/^\d/.test(name)) return found;
  const folder = path.dirname(absolute);
  let siblings: string[];
  try {
    siblings = readdirSync(folder);
  } catch {
    return found;
  }
  const earlier = siblings
    .filter((sibling) => /^\d.*\.sql$/i.test(sibling) && naturalCompare(sibling, name) < 0 && !isDownFile(sibling))
    .sort(naturalCompare);
  for (const sibling of earlier) {
    const file = path.join(folder, sibling);
    if (!resolvesInside(root, file)) {
      found.outside.push(relativeToRoot(root, file));
      continue;
    }
    try {
      if (statSync(file).isFile()) found.history.push({ sql: readFileOnce(file), file: relativeToRoot(root, file) });
    } catch {
      found.unread.push(relativeToRoot(root, file));
    }
  }
  return found;
}

/** False for a path that is, or runs through, a symlink to somewhere outside the project root. */
function resolvesInside(root: string, file: string): boolean {
  try {
    resolveInsideRoot(root, file);
    return true;
  } catch {
    return false;
  }
}

/** A lone .sql file no migration tool would claim: checked as plain SQL without loading the readers. */
function isPlainSqlFile(root: string, absolute: string): boolean {
  const name = path.basename(absolute);
  if (!/\.sql$/i.test(name) || TOOL_FILE_NAME.test(name)) return false;
  // Directly in the project root, a migration.sql or up.sql is in no migration's own folder: no tool claims it.
  if (FOLDER_FILE_NAME.test(name) && path.dirname(absolute) !== root) return false;
  try {
    if (!statSync(absolute).isFile() || existsSync(path.join(path.dirname(absolute), 'meta', '_journal.json')))
      return false;
    return !TOOL_MARKER.test(readFileOnce(absolute).slice(0, 64 * 1024));
  } catch {
    return false;
  }
}

/** .sql files below a folder that are neither a migration of the format nor the down half of one. */
function straySqlFiles(
  root: string,
  absolute: string,
  migrations: Migration[],
  /** Files the reader accounted for otherwise: its read errors and the files it set aside (other dialects). */
  errors: Array<{ path: string }>,
): string[] {
  let isFolder = false;
  try {
    isFolder = statSync(absolute).isDirectory();
  } catch {
    return [];
  }
  if (!isFolder || migrations.some((migration) => NO_SQL_FILES.has(migration.format))) return [];
  const claimed = new Set<string>();
  for (const migration of migrations) {
    claimed.add(migration.path);
    claimed.add(downFile(migration));
  }
  for (const error of errors) claimed.add(error.path);
  // listSqlFiles answers absolute paths below `absolute`, itself inside the root: the relative path is the rest.
  const prefix = root.endsWith(path.sep) ? root : `${root}${path.sep}`;
  const toRelative = (file: string) => file.slice(prefix.length).split(path.sep).join('/');
  return listSqlFiles(root, relativeToRoot(root, absolute) || '.')
    .map(toRelative)
    .filter((file) => !claimed.has(file) && !isDownFile(file));
}

function readError(error: { path: string; error: InputError }): InputError {
  return {
    code: error.error.code,
    what:
      error.error.what.includes(error.path) || error.error.where?.file
        ? error.error.what
        : `${error.path}: ${error.error.what}`,
    where: { ...(error.error.where ?? {}), file: error.error.where?.file ?? error.path },
    fix: error.error.fix,
  };
}

/** A code migration whose SQL was not produced (project code not allowed to run, or its tool missing). */
function isUncompiled(migration: Migration): boolean {
  return (
    migration.compiled === false ||
    (CODE_FORMATS.has(migration.format) &&
      migration.up.length === 0 &&
      migration.notes.some((note) => note.startsWith('Not compiled')))
  );
}

/**
 * The migrations of a folder that were not turned into SQL. Waiting for consent is one fact about the whole folder:
 * one error says it (outline: 301 Sequelize migrations were 301 errors, 385 KB of JSON saying "pass --execute").
 */
function notCompiledErrors(migrations: Migration[], folder: string, executed: boolean): InputError[] {
  const [first] = migrations;
  if (!first || executed || migrations.length === 1) return migrations.map((each) => notCompiled(each, executed));
  const one = notCompiled(first, false);
  const names = migrations.map((migration) => migration.path.slice(migration.path.lastIndexOf('/') + 1));
  // Every name while the list stays short; the first ones and the last beyond that (list_migrations has them all).
  const listed = names.length <= 10 ? names.join(', ') : `${names.slice(0, 3).join(', ')} … ${names.at(-1)}`;
  return [
    {
      ...one,
      what: `${migrations.length} ${first.format} migrations in ${folder} (${listed}) were not checked: they are written in ${language(first)}, and turning them into SQL runs the project's code, which only happens when you allow it.`,
      where: { file: folder },
    },
  ];
}

function language(migration: Migration): string {
  return CODE_FORMATS.has(migration.format) ? 'JavaScript/TypeScript' : 'Python';
}

function notCompiled(migration: Migration, executed: boolean): InputError {
  if (!executed) {
    return {
      code: 'execute-required',
      what: `${migration.path} was not checked: it is a migration written in ${language(migration)} (${migration.format}), and turning it into SQL runs the project's code, which only happens when you allow it.`,
      where: { file: migration.path, line: 1, column: 1 },
      fix: `Re-run with \`db-migration-agent check --execute …\` (MCP validate_safety: "executeProjectCode": true). ${CODE_FORMATS.has(migration.format) ? "The migration then runs in the sandbox (a separate Node process that can read the project and nothing else: no network, no file writes, no processes, no credentials in its environment), with a time limit, against a recorder built from the project's own tool (knex, TypeORM, Sequelize, node-pg-migrate's MigrationBuilder, Kysely's query compiler, db-migrate's driver in dry-run mode) — no database is touched." : 'The SQL then comes from the tool itself (alembic upgrade --sql / manage.py sqlmigrate) with a time limit.'}`,
    };
  }
  return {
    code: 'not-compiled',
    what: `${migration.path} was not checked: its SQL could not be produced. ${migration.notes.join(' ')}`.trim(),
    where: { file: migration.path, line: 1, column: 1 },
    fix: `Make the ${migration.format} tooling available to the project (see the note), or check the SQL it produces as a .sql file.`,
  };
}

/**
 * A plain folder's file as its runner sends it: one query, which PostgreSQL runs as one implicit transaction when
 * it holds several statements — checked that way, as the rehearsal runs it (psql -f, which runs statement by
 * statement, is the exception the note names).
 */
function asOneQuery(migrations: Migration[]): (input: SqlInput) => SqlInput {
  const byPath = new Map(migrations.map((migration) => [migration.path, migration]));
  return (input) => {
    const migration = byPath.get(input.file);
    if (migration && oneQueryWithOwnTransaction(migration, 'postgresql'))
      return {
        ...input,
        oneQuery: true,
        transactionFix: noTransactionFix(migration.format),
        notes: [...(input.notes ?? []), ownTransactionInOneQueryNote(migration)],
      };
    if (!migration || !runsAsImplicitTransaction(migration, 'postgresql')) return input;
    return {
      ...input,
      inTransaction: true,
      transactionFix: noTransactionFix(migration.format),
      notes: [...(input.notes ?? []), `${implicitTransactionNote(migration)} (psql -f runs them one by one instead.)`],
    };
  };
}

function toInput(root: string, migration: Migration): SqlInput {
  const text = migrationText(root, migration);
  // An empty down (an empty file, a down() that runs nothing) is there but undoes nothing: irreversible.
  const down = migration.down;
  // Reader notes stay with list_migrations; the check only needs the transaction mode spelled out, and the
  // values a templated file was read with.
  const implicit = !migration.transactional && runsAsImplicitTransaction(migration, 'postgresql');
  const oneQuery = !migration.transactional && oneQueryWithOwnTransaction(migration, 'postgresql');
  const notes = [
    ...migration.notes.filter((note) => note.startsWith(TEMPLATE_NOTE)),
    ...(migration.transactional
      ? []
      : implicit
        ? [implicitTransactionNote(migration)]
        : oneQuery
          ? [ownTransactionInOneQueryNote(migration)]
          : [`${migration.format} runs it outside a transaction (checked that way).`]),
  ];
  return {
    file: migration.path,
    sql: text.sql,
    ...(text.origins.length > 0 ? { origins: text.origins } : {}),
    ...(down
      ? {
          down: {
            file: downFile(migration),
            sql: joinStatements(down).sql,
            ...(migration.downFails ? { fails: migration.downFails } : {}),
          },
        }
      : { downMissing: true }),
    inTransaction: migration.transactional || implicit,
    ...(oneQuery ? { oneQuery: true } : {}),
    ...(migration.transactional || implicit || oneQuery ? { transactionFix: noTransactionFix(migration.format) } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** Where the down migration lives, for the checklist evidence. */
function downFile(migration: Migration): string {
  if (/\.up\.sql$/i.test(migration.path)) return migration.path.replace(/\.up\.sql$/i, '.down.sql');
  if (/(^|\/)up\.sql$/i.test(migration.path)) return migration.path.replace(/up\.sql$/i, 'down.sql');
  return `${migration.path} (down)`;
}

/**
 * The SQL to check for one migration. SQL formats are checked in their own file (comments and `-- dma-ignore`
 * directives included, the down half blanked so line numbers stay the file's); compiled migrations are the
 * statements one after another, with a map from each statement's lines back to the source line.
 */
function migrationText(root: string, migration: Migration): { sql: string; origins: SourceOrigin[] } {
  const file = readOwnFile(root, migration.path);
  if (file !== undefined && migration.up.every((statement) => sliceMatches(file, statement))) {
    let text = file;
    // A down written in the same file (dbmate, goose) is blanked out of the up text; a down statement that
    // stands where an up statement does comes from a file of its own (golang-migrate's .down.sql) that merely
    // repeats it at the same offset, and the up statement stays.
    const overlapsUp = (statement: Statement) =>
      migration.up.some((up) => up.offset.start < statement.offset.end && statement.offset.start < up.offset.end);
    for (const statement of migration.down ?? []) {
      if (sliceMatches(text, statement) && !overlapsUp(statement))
        text = blank(text, statement.offset.start, statement.offset.end);
    }
    return { sql: text, origins: [] };
  }
  // A file the reader rewrote (Go template values substituted): its statements stay on their own lines.
  if (file !== undefined) return { sql: atTheirLines(migration.up), origins: [] };
  return joinStatements(migration.up);
}

/** The statements, each starting on the line it starts on in its file, so findings name the file's lines. */
function atTheirLines(statements: Statement[]): string {
  let text = '';
  let line = 1;
  for (const statement of statements) {
    const padding = Math.max(line === 1 && text === '' ? 0 : 1, statement.span.start.line - line);
    text += '\n'.repeat(padding);
    line += padding;
    const sql = `${statement.sql.replace(/;\s*$/, '')};`;
    text += sql;
    line += sql.split('\n').length - 1;
  }
  return text ? `${text}\n` : '';
}

function joinStatements(statements: Statement[]): { sql: string; origins: SourceOrigin[] } {
  const parts: string[] = [];
  const origins: SourceOrigin[] = [];
  let line = 1;
  for (const statement of statements) {
    const text = `${statement.sql.replace(/;\s*$/, '')};`;
    const lineCount = text.split('\n').length;
    if (statement.origin) origins.push({ line, endLine: line + lineCount - 1, origin: statement.origin });
    parts.push(text);
    line += lineCount;
  }
  return { sql: parts.length > 0 ? `${parts.join('\n')}\n` : '', origins };
}

function readOwnFile(root: string, relative: string): string | undefined {
  if (!/\.sql$/i.test(relative)) return undefined;
  try {
    const absolute = resolveInsideRoot(root, relative);
    if (knownText(absolute) === undefined && !statSync(absolute).isFile()) return undefined;
    return readFileOnce(absolute);
  } catch {
    return undefined;
  }
}

function sliceMatches(text: string, statement: Statement): boolean {
  return (
    statement.offset.end <= text.length && text.slice(statement.offset.start, statement.offset.end) === statement.sql
  );
}

function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end);
}

/** The source line for a line of compiled SQL, when the input was compiled from code. */
export function originAt(origins: SourceOrigin[] | undefined, line: number): SourceOrigin['origin'] | undefined {
  if (!origins) return undefined;
  for (const entry of origins) if (line >= entry.line && line <= entry.endLine) return entry.origin;
  return undefined;
}
