import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Engine, Migration } from '../model.js';
import { defaultEngine } from '../project/default-engine.js';
import { relativeToRoot, resolveInsideRoot, resolveProjectRoot } from '../root.js';
import { askOnce } from '../sources/consent.js';
import { findMigrationFolders, type ProjectCodeConsent, readMigrations } from '../sources/index.js';
import type { BaselineSource } from './baseline.js';
import { assertShadowServer } from './guard.js';
import { shadowEngineFor } from './open.js';
import {
  DEFAULT_REHEARSAL_TIMEOUT_MS,
  type RehearsalOptions,
  type RehearsalReport,
  rehearseMigration,
} from './rehearse.js';
import { migrationFromSql, splitForEngine } from './statements.js';
import { TimeLimit } from './time-limit.js';
import type { ShadowEngine } from './types.js';

/**
 * Turns what a user or agent asks for (a migration path or SQL text, an optional down, a baseline choice) into a
 * rehearsal, reading migration files through the project's own format reader. Shared by the MCP tool and the CLI.
 */

export interface RehearsalRequest {
  projectRoot: string;
  /** A migration file or folder inside the project, or SQL text. */
  migration: string;
  down?: string;
  engine?: string;
  shadowUrl?: string;
  shadowUrlSource?: string;
  allowRemoteShadow?: boolean;
  rowsPerTable?: number;
  rowCounts?: Record<string, number>;
  targetUrl?: string;
  /** `migrations` (default: the project's earlier migrations), `dump:<path>`, or `none`. */
  baseline?: string;
  lockTimeoutMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: RehearsalOptions['onProgress'];
  keepWarm?: boolean;
  /** Reuse baselines between calls in this process (default: `keepWarm`); see baseline-cache.ts. */
  cacheBaseline?: boolean;
  /**
   * Consent to run code migrations (knex, TypeORM, Sequelize in the sandbox; Alembic, Django) to record their
   * SQL — for the migration rehearsed and the earlier ones replayed as its baseline. Default: no.
   */
  executeProjectCode?: ProjectCodeConsent;
}

export interface PreparedRehearsal {
  options: RehearsalOptions;
  notes: string[];
}

export async function runRehearsalRequest(request: RehearsalRequest): Promise<RehearsalReport & { notes: string[] }> {
  // The time limit covers reading the migrations too: a code migration that never returns is stopped by it.
  const limit = new TimeLimit(request.timeoutMs ?? DEFAULT_REHEARSAL_TIMEOUT_MS, request.signal);
  let prepared: PreparedRehearsal;
  try {
    const consent = request.executeProjectCode;
    prepared = await limit.run(
      () =>
        prepareRehearsal({
          ...request,
          signal: limit.signal,
          ...(typeof consent === 'function' ? { executeProjectCode: () => limit.excluding(consent) } : {}),
        }),
      async () => undefined,
    );
  } catch (error) {
    throw limit.explain(error, 'rehearsal', 'nothing was left running');
  }
  const report = await rehearseMigration({ ...prepared.options, limit });
  return { ...report, notes: prepared.notes };
}

export async function prepareRehearsal(request: RehearsalRequest): Promise<PreparedRehearsal> {
  const root = resolveProjectRoot(request.projectRoot);
  const notes: string[] = [];
  const shadowUrl = request.shadowUrl ?? process.env.SHADOW_DATABASE_URL;
  const shadowUrlSource = request.shadowUrl
    ? (request.shadowUrlSource ?? 'shadowUrl')
    : shadowUrl
      ? 'SHADOW_DATABASE_URL'
      : undefined;
  // A shadow server the guard refuses is refused before anything is read or run.
  if (shadowUrl)
    assertShadowServer(shadowUrl, {
      ...(request.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
      ...(shadowUrlSource ? { source: shadowUrlSource } : {}),
    });
  const consent = askOnce(request.executeProjectCode);
  const requestedEngine = request.engine ? shadowEngineFor(request.engine) : undefined;
  if (request.migration.trim() === '.') {
    request = { ...request, migration: await newestMigration(root) };
    notes.push(`rehearsed the newest migration detect finds: ${request.migration}`);
  }
  const target = await loadTarget(root, request.migration, requestedEngine, notes, consent, request.signal);
  const engine = requestedEngine ?? target.engine ?? (await defaultEngine(root, 'this migration'));
  let migration = target.migration ?? (await migrationFromText(root, request.migration, engine, 'migration'));
  if (request.down !== undefined) {
    const down = await readSqlOrPath(root, request.down);
    const downFile = down.path ?? '<down>';
    const statements = (await splitForEngine(down.sql, engine, downFile)).map((statement) => ({
      ...statement,
      origin: { file: downFile, line: statement.span.start.line, column: statement.span.start.column },
    }));
    migration = { ...migration, down: statements };
  }
  const baseline = await loadBaseline(
    root,
    request.baseline ?? 'migrations',
    target,
    engine,
    notes,
    consent,
    request.signal,
    request.targetUrl,
  );
  return {
    notes,
    options: {
      engine,
      migration,
      baseline,
      ...(shadowUrl ? { shadowUrl } : {}),
      ...(shadowUrlSource ? { shadowUrlSource } : {}),
      ...(request.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
      ...(request.rowsPerTable !== undefined ? { rowsPerTable: request.rowsPerTable } : {}),
      ...(request.rowCounts ? { rowCounts: request.rowCounts } : {}),
      ...(request.targetUrl
        ? { targetUrl: engine === 'sqlite' ? path.resolve(root, request.targetUrl) : request.targetUrl }
        : {}),
      ...(request.lockTimeoutMs !== undefined ? { lockTimeoutMs: request.lockTimeoutMs } : {}),
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      ...(request.keepWarm ? { keepWarm: true } : {}),
      ...(request.cacheBaseline !== undefined ? { cacheBaseline: request.cacheBaseline } : {}),
    },
  };
}

/** The newest migration of the project's only migration folder, as detect finds it. */
async function newestMigration(root: string): Promise<string> {
  const folders = (await findMigrationFolders(root)).filter((folder) => folder.newest);
  const [only] = folders;
  if (folders.length === 1 && only?.newest) return only.newest;
  if (folders.length === 0) {
    throw new UserError(
      'migrations-not-found',
      `No migration folder with migrations was found in ${root}.`,
      'Pass the migration file to rehearse, or its SQL.',
    );
  }
  throw new UserError(
    'several-migration-folders',
    `The project has ${folders.length} migration folders: ${folders.map((folder) => `${folder.directory} (${folder.format}, package ${folder.package})`).join(', ')}.`,
    `Name the migration to rehearse, e.g. ${folders.map((folder) => folder.newest).join(' or ')}.`,
  );
}

interface Target {
  /** Set when the migration came from a file the project's format reader understood. */
  migration?: Migration;
  /** Every migration of the project, in order, when the migration is one of them. */
  all?: Migration[];
  engine?: ShadowEngine;
}

function looksLikeSql(text: string): boolean {
  return (
    /\n/.test(text.trim()) ||
    /;\s*$/.test(text.trim()) ||
    /^\s*(create|alter|drop|insert|update|delete|begin|set|with|comment|grant)\s/i.test(text)
  );
}

async function loadTarget(
  root: string,
  input: string,
  engine: ShadowEngine | undefined,
  notes: string[],
  consent: () => Promise<boolean>,
  signal?: AbortSignal,
): Promise<Target> {
  if (looksLikeSql(input)) return {};
  const absolute = resolveInsideRoot(root, input);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) {
    throw new UserError(
      'migration-not-found',
      `${input} is neither an existing file in ${root} nor SQL text.`,
      'Pass the path of the migration file (relative to the project root) or the SQL itself.',
      { file: input },
    );
  }
  const relative = relativeToRoot(root, absolute);
  try {
    // Code migrations (knex, TypeORM, …) run to record their SQL only with consent, in the sandbox with a time
    // limit; nothing is sent to a database by that step.
    // The whole folder detect_setup finds the migration in (its package's, in a monorepo): the earlier ones are
    // the baseline.
    const [folder] = await findMigrationFolders(root, relative);
    const whole = await readMigrations(root, {
      path: folder?.directory ?? relative,
      ...(engine ? { engine: engine as Engine } : {}),
      ...(signal ? { signal } : {}),
      executeProjectCode: consent,
    });
    const belongs = (file: string) => file === relative || file.startsWith(`${relative}/`);
    const failed = whole.errors.find((item) => belongs(item.path));
    if (failed && !whole.migrations.some((item) => belongs(item.path))) {
      throw new UserError(
        failed.error.code,
        failed.error.what,
        failed.error.fix,
        failed.error.where ?? { file: failed.path },
      );
    }
    const found = whole.migrations.find((item) => belongs(item.path));
    if (found?.compiled === false && !(await consent())) {
      throw new UserError(
        'execute-required',
        `${relative} is a ${found.format} migration: its SQL comes from running the project's code, which happens only with consent.`,
        'Pass executeProjectCode: true (CLI: rehearse --execute) to run it in the sandbox (read access to the project only: no network, no file writes, no processes, no credentials) against a recorder that never reaches a database; or rehearse the SQL itself (text or a .sql file).',
        { file: relative },
      );
    }
    if (found?.compiled === false) {
      throw new UserError(
        'migration-not-compiled',
        `The SQL of ${relative} could not be produced: ${found.notes.join(' ')}`,
        'Rehearse the SQL the migration runs instead (pass it as text or a .sql file), or make its tool available to the project.',
        { file: relative },
      );
    }
    for (const problem of whole.errors) {
      if (!belongs(problem.path))
        notes.push(
          `earlier migration ${problem.path} could not be read (${problem.error.what}); the baseline lacks it`,
        );
    }
    // The folder's own engine: in a monorepo, the package the migration belongs to decides.
    const folderEngine = whole.engine ?? whole.folderEngine?.name;
    const engineFromProject = folderEngine && isRehearsable(folderEngine) ? shadowEngineFor(folderEngine) : undefined;
    if (found)
      return { migration: found, all: whole.migrations, ...(engineFromProject ? { engine: engineFromProject } : {}) };
  } catch (error) {
    if (!(error instanceof UserError) || error.code !== 'migrations-not-found') throw error;
  }
  if (!info.isFile()) {
    throw new UserError(
      'migration-not-understood',
      `${relative} is a folder that holds no migration this tool can read.`,
      'Pass the migration file itself (raw .sql), or the folder of one migration in a known format.',
      { file: relative },
    );
  }
  return {};
}

function isRehearsable(engine: Engine): boolean {
  return ['postgresql', 'cockroachdb', 'mysql', 'mariadb', 'sqlite'].includes(engine);
}

async function readSqlOrPath(root: string, input: string): Promise<{ sql: string; path?: string }> {
  if (looksLikeSql(input)) return { sql: input };
  const absolute = resolveInsideRoot(root, input);
  try {
    return { sql: await readFile(absolute, 'utf8'), path: relativeToRoot(root, absolute) };
  } catch {
    throw new UserError(
      'sql-file-not-found',
      `${input} is neither a readable file in ${root} nor SQL text.`,
      'Pass a path relative to the project root, or the SQL itself.',
      { file: input },
    );
  }
}

async function migrationFromText(root: string, input: string, engine: ShadowEngine, id: string): Promise<Migration> {
  const source = await readSqlOrPath(root, input);
  return migrationFromSql({ id: source.path ?? id, path: source.path ?? '<migration>', up: source.sql, engine });
}

async function loadBaseline(
  root: string,
  choice: string,
  target: Target,
  engine: ShadowEngine,
  notes: string[],
  consent: () => Promise<boolean>,
  signal?: AbortSignal,
  targetUrl?: string,
): Promise<BaselineSource> {
  if (choice === 'none') return { kind: 'none' };
  if (choice.startsWith('dump:')) {
    const dump = await readSqlOrPath(root, choice.slice(5));
    return { kind: 'dump', sql: dump.sql, file: dump.path ?? '<dump>' };
  }
  if (choice === 'target') {
    if (!targetUrl) {
      throw new UserError(
        'target-url-required',
        'baseline "target" copies the structure of a real database, but no target was named.',
        'Pass targetUrl (CLI --target-url): the database URL (read over a read-only connection) or, for SQLite, the database file.',
      );
    }
    const { readTargetStructure } = await import('./target-structure.js');
    const source = engine === 'sqlite' ? path.resolve(root, targetUrl) : targetUrl;
    return { kind: 'dump', sql: await readTargetStructure(source, engine), file: '<target structure>' };
  }
  if (choice !== 'migrations') {
    throw new UserError(
      'bad-baseline',
      `Unknown baseline "${choice}".`,
      'Use "migrations" (replay the project\'s earlier migrations), "dump:<path to schema.sql>", "target" (copy the structure of targetUrl, read-only) or "none".',
    );
  }
  let all = target.all;
  if (!all) {
    try {
      all = (
        await readMigrations(root, {
          engine: engine as Engine,
          executeProjectCode: consent,
          ...(signal ? { signal } : {}),
        })
      ).migrations;
    } catch (error) {
      if (error instanceof UserError && error.code === 'several-migration-folders') {
        throw new UserError(
          error.code,
          `${error.what} The baseline "migrations" needs to know which folder's migrations come before this SQL.`,
          'Rehearse the migration file inside its folder (its earlier migrations are then the baseline), or pass baseline "dump:<schema.sql>" or "none".',
        );
      }
      if (!(error instanceof UserError) || error.code !== 'migrations-not-found') throw error;
      notes.push('no migration folder found in the project: the baseline is an empty database');
      return { kind: 'none' };
    }
  }
  const position = target.migration ? all.findIndex((item) => item.path === target.migration?.path) : all.length;
  const earlier = all.slice(0, position < 0 ? all.length : position);
  const uncompiled = earlier.filter((migration) => migration.compiled === false);
  if (uncompiled.length > 0) {
    notes.push(
      `${uncompiled.length} earlier migration(s) are code and were not run (${uncompiled[0]?.path}${uncompiled.length > 1 ? ', …' : ''}), so the baseline lacks what they create; pass executeProjectCode: true (CLI --execute) to replay them`,
    );
  }
  return { kind: 'migrations', migrations: earlier };
}
