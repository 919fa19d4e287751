import path from 'node:path';
import { UserError } from '../errors.js';
import type { Engine, Migration } from '../model.js';
import { resolveProjectRoot } from '../root.js';
import type { Safety } from '../schema/diff/types.js';
import type { Bookkeeping } from '../sources/bookkeeping.js';
import { readMigrations } from '../sources/index.js';
import { FORMAT_READERS } from '../sources/registry.js';
import type { ProjectCodeConsent, ReadMigrationsResult } from '../sources/types.js';
import { bookkeepingRows } from './bookkeeping-source.js';
import {
  environmentTableChoice,
  missingTableNote,
  projectTableChoice,
  qualified,
  type TableChoice,
  urlTableChoice,
} from './bookkeeping-table.js';
import { compareMigrations } from './compare.js';
import { type EnvironmentReference, loadEnvironments, resolveUrl } from './config.js';
import { findDrift } from './drift.js';
import { engineOfUrl, maskUrl, openReadOnly, type ReadOnlyDatabase } from './read-only.js';

/**
 * migration_status's engine: for each environment, what the migration tool recorded there (its own bookkeeping
 * table, read over a read-only connection) against the project's migrations, and the drift between the real
 * schema and the one the applied migrations produce. Results are counts plus the first few entries of each kind.
 */

export interface StatusOptions {
  root: string;
  /** Environment names from the configuration; every declared one when omitted (and no url is given). */
  environments?: string[];
  /** A database the caller names directly: a URL, or env:VARIABLE. Reported as environment "url". */
  url?: string;
  /** The migration folder (or a file in it) when the project has several. */
  path?: string;
  /** Compare the real schema with the replayed applied migrations (default true). */
  drift?: boolean;
  shadowUrl?: string;
  /** Code migrations (knex, TypeORM …) have SQL only when they run in the sandbox: needed for their drift. */
  executeProjectCode?: ProjectCodeConsent;
  /** Entries listed per kind; the counts are always complete (default 10). */
  limit?: number;
  signal?: AbortSignal;
  /** Where env:VARIABLE is looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface DriftOperation {
  kind: string;
  object: string;
  safety: Safety;
}

export interface EnvironmentStatus {
  environment: string;
  /** The URL with its password masked. */
  url: string;
  engine?: Engine;
  /** The bookkeeping table found, `null` when the tool never ran there. */
  table?: string | null;
  counts: {
    applied: number;
    pending: number;
    unknown: number;
    failed: number;
    checksumMismatches: number;
    outOfOrder: number;
  };
  pending: string[];
  unknown: string[];
  failed: string[];
  checksumMismatches: string[];
  outOfOrder: string[];
  drift?: { operations: number; summary: Record<Safety, number>; first: DriftOperation[] };
  notes: string[];
  /** Why this environment could not be read (the others still are). */
  error?: { code: string; what: string; fix: string };
}

export interface StatusResult {
  tool: string;
  directory: string;
  migrations: number;
  environments: EnvironmentStatus[];
}

const DEFAULT_LIMIT = 10;

type CompiledReads = Map<Engine, Promise<ReadMigrationsResult>>;
type RunOptions = StatusOptions & { compiledReads: CompiledReads; tableChoice: TableChoice };

export async function migrationStatus(options: StatusOptions): Promise<StatusResult> {
  const root = resolveProjectRoot(options.root);
  const targets = chooseTargets(root, options);
  const project = await readMigrations(root, options.path ? { path: options.path } : {});
  const declared = bookkeepingOf(project);
  const packageDirectory = path.join(root, project.package);
  const bookkeeping = { ...declared, ...(await declared.configured?.(packageDirectory)) };
  const tableChoice = await projectTableChoice(bookkeeping, project.format, {
    root,
    packageDirectory,
    migrationsDirectory: path.join(root, project.directory),
  });
  const environments: EnvironmentStatus[] = [];
  // Code migrations compiled once per engine, however many environments share it.
  const compiledReads: CompiledReads = new Map();
  for (const target of targets) {
    options.signal?.throwIfAborted();
    const choice = environmentTableChoice(tableChoice, target);
    environments.push(
      await statusOf(target, project, bookkeeping, root, { ...options, compiledReads, tableChoice: choice }),
    );
  }
  return {
    tool: project.format,
    directory: project.directory,
    migrations: project.migrations.length,
    environments,
  };
}

function chooseTargets(root: string, options: StatusOptions): EnvironmentReference[] {
  const declared = loadEnvironments(root);
  const targets: EnvironmentReference[] = [];
  for (const name of options.environments ?? []) {
    const found = declared.find((environment) => environment.name === name);
    if (!found)
      throw new UserError(
        'unknown-environment',
        `No environment "${name}" in the configuration${declared.length ? ` (declared: ${declared.map((environment) => environment.name).join(', ')})` : ''}.`,
        'Declare it in db-migration-agent.config.json as "environments": { "' +
          name +
          '": { "url": "env:VARIABLE" } }, or pass the URL directly (url / --url env:VARIABLE).',
      );
    targets.push(found);
  }
  if (options.url) targets.push({ name: 'url', url: options.url });
  if (targets.length > 0) return targets;
  if (declared.length > 0) return declared;
  throw new UserError(
    'no-environments',
    'No database to read: the project declares no environments and no URL was given.',
    'Pass url (CLI --url env:DATABASE_URL), or declare "environments": { "dev": { "url": "env:DATABASE_URL" } } in db-migration-agent.config.json.',
  );
}

function bookkeepingOf(project: ReadMigrationsResult): Bookkeeping {
  const reader = FORMAT_READERS.find((candidate) => candidate.format === project.format);
  if (reader?.bookkeeping) return reader.bookkeeping;
  const known = FORMAT_READERS.filter((candidate) => candidate.bookkeeping).map((candidate) => candidate.label);
  throw new UserError(
    'status-unsupported-tool',
    `migration_status does not know where ${reader?.label ?? project.format} records the migrations it applied.`,
    `Status is read from the bookkeeping of: ${known.join(', ')}.`,
    { file: project.directory },
  );
}

async function statusOf(
  target: EnvironmentReference,
  project: ReadMigrationsResult,
  bookkeeping: Bookkeeping,
  root: string,
  options: RunOptions,
): Promise<EnvironmentStatus> {
  let url = target.url;
  let db: ReadOnlyDatabase | undefined;
  try {
    url = resolveUrl(target.url, target.where, options.env);
    db = await openReadOnly(url, root);
    const tableChoice = target.bookkeepingTable
      ? options.tableChoice
      : urlTableChoice(options.tableChoice, url, project.format);
    return await readEnvironment(target, db, url, project, bookkeeping, root, { ...options, tableChoice });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return {
      ...emptyStatus(target.name, maskUrl(url)),
      error: { code: error.code, what: error.what, fix: error.fix },
    };
  } finally {
    await db?.close();
  }
}

async function readEnvironment(
  target: EnvironmentReference,
  db: ReadOnlyDatabase,
  url: string,
  project: ReadMigrationsResult,
  bookkeeping: Bookkeeping,
  root: string,
  options: RunOptions,
): Promise<EnvironmentStatus> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const choice = options.tableChoice;
  const read = await bookkeepingRows(db, url, project, bookkeeping, choice, root);
  const { table, rows, location } = read;
  const records = bookkeeping.records(rows, project.migrations);
  const comparison = compareMigrations(project.migrations, records, bookkeeping, root, db.engine);
  const label = labeller(project.migrations);
  const status: EnvironmentStatus = {
    environment: target.name,
    url: db.label,
    engine: db.engine,
    table: table ?? null,
    counts: {
      applied: comparison.applied.length,
      pending: comparison.pending.length,
      unknown: comparison.unknown.length,
      failed: comparison.failed.length,
      checksumMismatches: comparison.checksumMismatches.length,
      outOfOrder: comparison.outOfOrder.length,
    },
    pending: comparison.pending.slice(0, limit).map(label),
    unknown: comparison.unknown.slice(0, limit),
    failed: comparison.failed.slice(0, limit),
    checksumMismatches: comparison.checksumMismatches.slice(0, limit).map(label),
    outOfOrder: comparison.outOfOrder.slice(0, limit).map(label),
    notes: [
      ...choice.notes,
      ...(table
        ? []
        : [
            read.missing ??
              missingTableNote(choice, location, db.engine, project.format, target.name, target.where !== undefined),
          ]),
      ...uncheckedNote(comparison.checksumUnknown.map(label), limit),
    ],
  };
  // Drift leaves the tool's own tables out, under the names they have here.
  const own = choice.schema ? [...choice.ownTables, qualified(choice)] : choice.ownTables;
  // Sqitch's registry schema, however sqitch.conf names it, is not the application's.
  const ownSchema = project.format === 'sqitch' && db.engine === 'postgresql' ? location.schema : undefined;
  const forDrift = { ...bookkeeping, ownTables: own, ...(ownSchema ? { postgresSchema: ownSchema } : {}) };
  if (options.drift !== false) await addDrift(status, db, comparison.applied, forDrift, root, options, limit);
  return status;
}

async function addDrift(
  status: EnvironmentStatus,
  db: ReadOnlyDatabase,
  applied: Migration[],
  bookkeeping: Bookkeeping,
  root: string,
  options: RunOptions,
  limit: number,
): Promise<void> {
  try {
    const compiled = await compiledFor(applied, db.engine, root, options);
    if (!compiled) {
      status.notes.push(
        'Drift not checked: the applied migrations are code whose SQL is known only by running them (executeProjectCode / --execute).',
      );
      return;
    }
    const shadowUrl = options.shadowUrl ?? sameEngineShadow(db.engine, options.env ?? process.env);
    const { operations } = await findDrift(db, compiled, bookkeeping, {
      ...(shadowUrl ? { shadowUrl } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const summary: Record<Safety, number> = { safe: 0, careful: 0, dangerous: 0 };
    for (const operation of operations) summary[operation.safety]++;
    status.drift = {
      operations: operations.length,
      summary,
      first: operations.slice(0, limit).map(({ kind, object, safety }) => ({ kind, object, safety })),
    };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    status.notes.push(`Drift not checked: ${error.what} ${error.fix}`);
  }
}

/** $SHADOW_DATABASE_URL, as the other tools default to it, when it is a server of the environment's engine. */
function sameEngineShadow(engine: Engine, env: NodeJS.ProcessEnv): string | undefined {
  const url = env.SHADOW_DATABASE_URL;
  return url && engineOfUrl(url) === engine ? url : undefined;
}

/** The applied migrations with their SQL for this engine; undefined when code migrations may not run. */
async function compiledFor(
  applied: Migration[],
  engine: Engine,
  root: string,
  options: RunOptions,
): Promise<Migration[] | undefined> {
  if (applied.length === 0) return [];
  let pending = options.compiledReads.get(engine);
  if (!pending) {
    pending = readMigrations(root, {
      ...(options.path ? { path: options.path } : {}),
      engine,
      ...(options.executeProjectCode !== undefined ? { executeProjectCode: options.executeProjectCode } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    options.compiledReads.set(engine, pending);
  }
  const read = await pending;
  const wanted = new Set(applied.map((migration) => `${migration.path}\u0000${migration.id}`));
  const compiled = read.migrations.filter((migration) => wanted.has(`${migration.path}\u0000${migration.id}`));
  return compiled.some((migration) => migration.compiled === false) ? undefined : compiled;
}

/** Applied migrations whose stored checksum could not be recomputed: said, never counted as edited or not. */
function uncheckedNote(labels: string[], limit: number): string[] {
  if (labels.length === 0) return [];
  const more = labels.length > limit ? ` (+${labels.length - limit} more)` : '';
  return [
    `Not checked for edits (their stored checksum is one this tool does not reproduce: change type, parameter or older algorithm): ${labels.slice(0, limit).join(', ')}${more}.`,
  ];
}

/** A migration as reports name it: its file, and the changeset when several share one file (Liquibase). */
function labeller(migrations: Migration[]): (migration: Migration) => string {
  const perPath = new Map<string, number>();
  for (const migration of migrations) perPath.set(migration.path, (perPath.get(migration.path) ?? 0) + 1);
  return (migration) =>
    (perPath.get(migration.path) ?? 0) > 1 ? `${migration.path}#${migration.name}` : migration.path;
}

function emptyStatus(environment: string, url: string): EnvironmentStatus {
  return {
    environment,
    url,
    counts: { applied: 0, pending: 0, unknown: 0, failed: 0, checksumMismatches: 0, outOfOrder: 0 },
    pending: [],
    unknown: [],
    failed: [],
    checksumMismatches: [],
    outOfOrder: [],
    notes: [],
  };
}
