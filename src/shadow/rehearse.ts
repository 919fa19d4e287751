import type { Migration } from '../model.js';
import { compareSchemas, type SchemaChange } from '../schema/compare.js';
import type { Schema } from '../schema/model.js';
import { implicitTransactionNote, noTransactionFix, runsAsImplicitTransaction } from '../sources/execution.js';
import { type BaselineSource, buildBaseline } from './baseline.js';
import { baselineCache, baselineKey, type CachedBaseline } from './baseline-cache.js';
import { estimateAtScale, type ScaleEstimate } from './estimate.js';
import { type DataFingerprint, fingerprintData } from './fingerprint.js';
import { assertShadowServer } from './guard.js';
import { openShadow } from './open.js';
import { extensionsCreatedIn } from './pglite-extensions.js';
import { type Phase, runPhase, type StatementReport } from './run-statements.js';
import { fillSynthetic, type TableFill } from './synthetic.js';
import { readTargetRowCounts } from './target-stats.js';
import { TimeLimit } from './time-limit.js';
import type { ShadowDatabase, ShadowEngine, ShadowKind } from './types.js';

/**
 * A rehearsal: build the baseline on a throw-away database, fill it with synthetic rows, run the migration up
 * statement by statement (observing locks, rewrites, scans, durations), then down, compare with the baseline,
 * then up again — and say what data survived and what a step destroys. The shadow is always dropped.
 */

export interface RehearsalOptions {
  engine: ShadowEngine;
  migration: Migration;
  baseline: BaselineSource;
  /** A server named as shadow (PostgreSQL/MySQL); PGlite and in-memory SQLite otherwise. */
  shadowUrl?: string;
  shadowUrlSource?: string;
  allowRemoteShadow?: boolean;
  rowsPerTable?: number;
  /** Production row counts per table, for the scale estimate. */
  rowCounts?: Record<string, number>;
  /** A real database whose planner statistics give row counts; read over a read-only connection. */
  targetUrl?: string;
  lockTimeoutMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: number, total: number, message: string) => void;
  /** Long-lived callers (the MCP server) keep a warm PGlite ready for the next rehearsal. */
  keepWarm?: boolean;
  /**
   * Reuse the baseline (schema + synthetic rows) of an earlier rehearsal with the same inputs, and keep this one's
   * for the next (baseline-cache.ts). Defaults to `keepWarm`: only a long-lived process gains from it.
   */
  cacheBaseline?: boolean;
  /** The time limit, when the caller started it earlier (runRehearsalRequest: reading the migrations counts). */
  limit?: TimeLimit;
  /** Opens the shadow; tests inject a pre-opened one to observe it. */
  open?: (engine: ShadowEngine) => Promise<ShadowDatabase>;
}

export interface RoundTrip {
  status: 'passed' | 'failed' | 'skipped';
  reason?: string;
  /** Baseline → after down: must be empty. */
  downDifference: SchemaChange[];
  /** After the first up → after the second up: must be empty. */
  reapplyDifference: SchemaChange[];
}

export interface DestroyedData {
  phase: Phase;
  kind: 'table' | 'column' | 'rows';
  object: string;
  rows: number;
  nonNullValues?: number;
}

export interface DataReport {
  /** Tables whose rows and every surviving column checksum are identical after up → down. */
  preserved: { table: string; rows: number; columns: string[] }[];
  /** Columns whose values differ after up → down (data the down migration does not restore). */
  changed: { table: string; column: string; reason: string }[];
  destroyed: DestroyedData[];
}

export interface RehearsalReport {
  engine: ShadowEngine;
  shadow: string;
  migration: { id: string; path: string; transactional: boolean; statements: number; hasDown: boolean };
  baseline: {
    kind: BaselineSource['kind'];
    migrationsReplayed: number;
    tables: TableFill[];
    /** Building it (replay + synthetic rows), or, when cached, restoring it. */
    durationMs: number;
    /** True when it was restored from a baseline an earlier rehearsal in this process built with the same inputs. */
    cached: boolean;
    /** How long ago the cached baseline was built. */
    cachedAgeMs?: number;
  };
  outcome: 'passed' | 'failed';
  failure?: { phase: Phase; statement: number; message: string; location: string };
  steps: StatementReport[];
  roundTrip: RoundTrip;
  data: DataReport;
  estimates: ScaleEstimate[];
  lockTimeoutMs: number;
  engineNotes: string[];
  durationMs: number;
  /** The shadow server's VERSION() on MySQL/MariaDB: which ALTER algorithms it has. */
  serverVersion?: string;
}

export const DEFAULT_ROWS_PER_TABLE = 1_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
export const DEFAULT_REHEARSAL_TIMEOUT_MS = 120_000;

export async function rehearseMigration(options: RehearsalOptions): Promise<RehearsalReport> {
  const limit = options.limit ?? new TimeLimit(options.timeoutMs ?? DEFAULT_REHEARSAL_TIMEOUT_MS, options.signal);
  let opening: Promise<ShadowDatabase | undefined> | undefined;
  // On a time limit or a cancellation: stop the statement running now, then drop the shadow before answering.
  // A shadow still opening is not waited for long (an embedded one not at all: it holds no server database):
  // once open, the rehearsal's own `finally` drops it.
  const openWaitMs = shadowKindFor(options) === 'pglite' && !options.open ? 0 : OPEN_WAIT_MS;
  const stop = async () => {
    const shadow = await settledOrUndefined(opening, openWaitMs);
    await shadow?.interrupt?.().catch(() => undefined);
    await shadow?.close();
  };
  try {
    return await limit.run(
      () =>
        rehearseOn(options, limit.signal, (open) => {
          opening = open;
          return open;
        }),
      stop,
    );
  } catch (error) {
    throw limit.explain(error, 'rehearsal', 'the shadow database was dropped');
  }
}

/** How long a stopped rehearsal waits for a shadow that is still opening (a server database being created). */
const OPEN_WAIT_MS = 1_000;

async function settledOrUndefined<T>(work: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  if (!work) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function rehearseOn(
  options: RehearsalOptions,
  signal: AbortSignal,
  track: (opening: Promise<ShadowDatabase>) => Promise<ShadowDatabase>,
): Promise<RehearsalReport> {
  const started = performance.now();
  const rowsPerTable = options.rowsPerTable ?? DEFAULT_ROWS_PER_TABLE;
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const progress = progressReporter(options);

  progress.step('opening the shadow database');
  const cacheKey = cacheKeyFor(options, rowsPerTable);
  const openStarted = performance.now();
  let cached = cacheKey ? baselineCache.get(cacheKey) : undefined;
  const cacheNotes: string[] = [];
  let db: ShadowDatabase | undefined;
  if (cached && cacheKey) {
    try {
      db = await track(cached.image.open({ keepWarm: options.keepWarm === true, extensions: extensionsFor(options) }));
    } catch (error) {
      signal.throwIfAborted();
      // The image is gone (a template dropped by someone else…): forget it and build the baseline again.
      await baselineCache.delete(cacheKey);
      cached = undefined;
      cacheNotes.push(`the cached baseline could not be restored, so it was rebuilt: ${(error as Error).message}`);
    }
  }
  const restoreMs = performance.now() - openStarted;
  db ??= await track(options.open ? options.open(options.engine) : openShadowFor(options));
  const shadow = db;
  try {
    return await unlessStopped(signal, async () => {
      const baselineStarted = performance.now();
      const baseline: Baseline & { cacheNote?: string } = cached
        ? restoredBaseline(cached, progress)
        : await freshBaseline(shadow, options, rowsPerTable, signal, progress, cacheKey);
      const { schema: baselineSchema, fills, data: baselineData, replayed } = baseline;
      const baselineMs = cached ? restoreMs : performance.now() - baselineStarted;
      const db = shadow;

      const steps: StatementReport[] = [];
      const migration = options.migration;
      const file = migration.path;
      const phase = async (name: Phase, statements = migration.up) => {
        const reports = await runPhase(db, statements, {
          phase: name,
          file: name === 'down' ? downFile(migration) : file,
          transactional: migration.transactional,
          oneQuery: runsAsImplicitTransaction({ execution: migration.execution, up: statements }, db.engine),
          noTransactionFix: noTransactionFix(migration.format),
          signal,
          onStatement: (index, total) => progress.step(`${name}: statement ${index + 1}/${total}`),
        });
        steps.push(...reports);
        return reports.find((report) => report.error);
      };

      const serverVersion =
        db.engine === 'mysql' ? (await db.query<{ v: string }>('SELECT VERSION() AS v'))[0]?.v : undefined;
      const report: RehearsalReport = {
        engine: options.engine,
        shadow: db.description,
        ...(serverVersion ? { serverVersion } : {}),
        migration: {
          id: migration.id,
          path: migration.path,
          // What really happened: on MySQL/MariaDB every DDL statement commits, whatever the tool asks for.
          transactional:
            (migration.transactional || runsAsImplicitTransaction(migration, db.engine)) && db.transactionalDdl,
          statements: migration.up.length,
          hasDown: migration.down !== undefined && migration.down.length > 0,
        },
        baseline: {
          kind: options.baseline.kind,
          migrationsReplayed: replayed,
          tables: fills,
          durationMs: Math.round(baselineMs),
          cached: cached !== undefined,
          ...(cached ? { cachedAgeMs: Math.round(Date.now() - cached.createdAt) } : {}),
        },
        outcome: 'passed',
        steps,
        roundTrip: { status: 'skipped', downDifference: [], reapplyDifference: [] },
        data: { preserved: [], changed: [], destroyed: [] },
        estimates: [],
        lockTimeoutMs,
        engineNotes: [
          ...engineNotes(options.engine, migration),
          ...cacheNotes,
          ...(baseline.cacheNote ? [baseline.cacheNote] : []),
        ],
        durationMs: 0,
      };

      const upFailure = await phase('up');
      if (upFailure) {
        fail(report, upFailure);
        report.roundTrip.reason = 'the up migration failed, so down was not run';
        return finish(report, started);
      }
      const afterUp = await db.introspect();
      const afterUpData = await fingerprintData(db, afterUp);
      report.data.destroyed.push(...destroyedBetween('up', baselineSchema, afterUp, baselineData, afterUpData));
      report.estimates = await scaleEstimates(options, steps, baselineData, lockTimeoutMs);

      if (!report.migration.hasDown) {
        report.roundTrip.reason = 'the migration has no down migration; pass one to prove the round trip';
        return finish(report, started);
      }
      const downFailure = await phase('down', migration.down);
      if (downFailure) {
        fail(report, downFailure);
        report.roundTrip = {
          status: 'failed',
          reason: `the down migration failed: ${downFailure.error?.message}`,
          downDifference: [],
          reapplyDifference: [],
        };
        return finish(report, started);
      }
      const afterDown = await db.introspect();
      const afterDownData = await fingerprintData(db, afterDown);
      report.roundTrip.downDifference = compareSchemas(baselineSchema, afterDown);
      report.data.destroyed.push(...destroyedBetween('down', afterUp, afterDown, afterUpData, afterDownData));
      Object.assign(report.data, preservation(baselineSchema, baselineData, afterDownData));

      const reapplyFailure = await phase('reapply');
      if (reapplyFailure) {
        fail(report, reapplyFailure);
        report.roundTrip.status = 'failed';
        const again = `applying up again after down fails: ${reapplyFailure.error?.message}`;
        report.roundTrip.reason =
          report.roundTrip.downDifference.length > 0
            ? `after up → down the schema differs from the baseline; ${again}`
            : again;
        return finish(report, started);
      }
      report.roundTrip.reapplyDifference = compareSchemas(afterUp, await db.introspect());
      const clean = report.roundTrip.downDifference.length === 0 && report.roundTrip.reapplyDifference.length === 0;
      report.roundTrip.status = clean ? 'passed' : 'failed';
      if (!clean) {
        report.outcome = 'failed';
        report.roundTrip.reason =
          report.roundTrip.downDifference.length > 0
            ? 'after up → down the schema differs from the baseline'
            : 'applying up again gives a different schema than the first time';
      }
      return finish(report, started);
    });
  } finally {
    progress.step('dropping the shadow database');
    await shadow.close();
  }
}

/** Runs `work` unless the rehearsal was stopped while its shadow was opening. */
async function unlessStopped<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  return work();
}

type Progress = ReturnType<typeof progressReporter>;
type Baseline = Pick<CachedBaseline, 'schema' | 'fills' | 'data' | 'replayed'>;

function shadowKindFor(options: RehearsalOptions): ShadowKind {
  if (options.engine === 'mysql') return 'mysql-server';
  if (options.engine === 'sqlite') return 'sqlite';
  return options.shadowUrl ? 'postgres-server' : 'pglite';
}

/** The cache key of this rehearsal's baseline, or undefined when it is not cached (not asked, nothing to keep). */
function cacheKeyFor(options: RehearsalOptions, rowsPerTable: number): string | undefined {
  if (!(options.cacheBaseline ?? options.keepWarm === true) || options.open) return undefined;
  const kind = shadowKindFor(options);
  let server: string | undefined;
  if (options.shadowUrl) {
    // The same refusal as opening the server would give: a cached copy must not bypass the shadow guard.
    const accepted = assertShadowServer(options.shadowUrl, {
      ...(options.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
      ...(options.shadowUrlSource ? { source: options.shadowUrlSource } : {}),
    });
    // The server the driver really reaches (a `?host=` or PGHOST changes it), never the password.
    const { url } = accepted;
    server = `${url.protocol}//${decodeURIComponent(url.username)}@${accepted.where}${url.pathname}${url.search}`;
  }
  return baselineKey({ kind, source: options.baseline, rowsPerTable, ...(server ? { server } : {}) });
}

function restoredBaseline(cached: CachedBaseline, progress: Progress): Baseline {
  progress.step(`baseline: restored from the cache (${cached.image.label})`);
  // Copies: the rehearsal must not be able to change what later rehearsals get.
  return structuredClone({ schema: cached.schema, fills: cached.fills, data: cached.data, replayed: cached.replayed });
}

/**
 * Replays the earlier migrations and fills synthetic rows; with a cache key, saves the result before the migration
 * runs, so that neither a failing migration nor its down can change the cached baseline.
 */
async function freshBaseline(
  db: ShadowDatabase,
  options: RehearsalOptions,
  rowsPerTable: number,
  signal: AbortSignal,
  progress: Progress,
  cacheKey: string | undefined,
): Promise<Baseline & { cacheNote?: string }> {
  const replayed = await buildBaseline(db, options.baseline, {
    signal,
    onMigration: (index, total, name) => progress.step(`baseline: migration ${index + 1}/${total} ${name}`),
  });
  const schema = await db.introspect();
  progress.step(`synthetic rows: ${rowsPerTable} per table`);
  const fills = await fillSynthetic(db, schema, { rowsPerTable, signal });
  const data = await fingerprintData(db, schema);
  const baseline = { schema, fills, data, replayed };
  if (cacheKey && db.captureBaseline) {
    signal.throwIfAborted();
    try {
      const image = await db.captureBaseline(cacheKey);
      const kept = await baselineCache.put({
        key: cacheKey,
        createdAt: Date.now(),
        image,
        ...structuredClone(baseline),
      });
      if (!kept) return { ...baseline, cacheNote: `the baseline (${image.label}) exceeds the cache's size limit` };
      if (options.keepWarm) image.warm?.();
    } catch (error) {
      // No cache entry: the next rehearsal builds the baseline again.
      return { ...baseline, cacheNote: `the baseline could not be cached: ${(error as Error).message}` };
    }
  }
  return baseline;
}

async function openShadowFor(options: RehearsalOptions): Promise<ShadowDatabase> {
  if (options.engine === 'postgresql' && !options.shadowUrl) {
    const { PgliteShadow } = await import('./pglite.js');
    return PgliteShadow.open({ keepWarm: options.keepWarm === true, extensions: extensionsFor(options) });
  }
  return openShadow({
    engine: options.engine,
    ...(options.shadowUrl ? { shadowUrl: options.shadowUrl } : {}),
    ...(options.shadowUrlSource ? { shadowUrlSource: options.shadowUrlSource } : {}),
    ...(options.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
  });
}

/** Extensions the rehearsal's SQL creates: the embedded PostgreSQL must load their code when it starts. */
function extensionsFor(options: RehearsalOptions): string[] {
  if (options.engine !== 'postgresql' || options.shadowUrl) return [];
  const { migration, baseline } = options;
  const texts = [...migration.up, ...(migration.down ?? [])].map((statement) => statement.sql);
  if (baseline.kind === 'dump') texts.push(baseline.sql);
  if (baseline.kind === 'migrations')
    for (const earlier of baseline.migrations) texts.push(...earlier.up.map((statement) => statement.sql));
  return extensionsCreatedIn(texts);
}

function downFile(migration: Migration): string {
  const first = migration.down?.[0];
  return first?.origin?.file ?? migration.path;
}

function fail(report: RehearsalReport, step: StatementReport): void {
  report.outcome = 'failed';
  const error = step.error;
  if (!error) return;
  report.failure = {
    phase: step.phase,
    statement: step.index,
    message: error.message,
    location: `${error.file}:${error.line}:${error.column}`,
  };
}

function finish(report: RehearsalReport, started: number): RehearsalReport {
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

function destroyedBetween(
  phase: Phase,
  before: Schema,
  after: Schema,
  beforeData: DataFingerprint,
  afterData: DataFingerprint,
): DestroyedData[] {
  const destroyed: DestroyedData[] = [];
  for (const change of compareSchemas(before, after)) {
    if (change.change !== 'removed') continue;
    // A rename shows as removed + added; the data is not destroyed when it is all there under the new name.
    if (movedTo(change, beforeData, afterData)) continue;
    if (change.kind === 'table') {
      destroyed.push({ phase, kind: 'table', object: change.object, rows: beforeData.get(change.object)?.rows ?? 0 });
    } else if (change.kind === 'column') {
      const dot = change.object.lastIndexOf('.');
      const table = change.object.slice(0, dot);
      const column = change.object.slice(dot + 1);
      const data = beforeData.get(table);
      destroyed.push({
        phase,
        kind: 'column',
        object: change.object,
        rows: data?.rows ?? 0,
        nonNullValues: data?.nonNull[column] ?? 0,
      });
    }
  }
  for (const [table, data] of beforeData) {
    const later = afterData.get(table);
    if (later && later.rows < data.rows)
      destroyed.push({ phase, kind: 'rows', object: table, rows: data.rows - later.rows });
  }
  return destroyed;
}

/** The table or column a removed one's data now lives in (same rows, same value checksums), if any. */
function movedTo(
  change: { kind: string; object: string },
  before: DataFingerprint,
  after: DataFingerprint,
): string | undefined {
  if (change.kind === 'table') {
    const old = before.get(change.object);
    if (!old) return undefined;
    const signature = JSON.stringify(Object.values(old.columns).sort());
    for (const [table, data] of after) {
      if (before.has(table) || data.rows !== old.rows) continue;
      if (JSON.stringify(Object.values(data.columns).sort()) === signature) return table;
    }
    return undefined;
  }
  if (change.kind !== 'column') return undefined;
  const dot = change.object.lastIndexOf('.');
  const table = change.object.slice(0, dot);
  const column = change.object.slice(dot + 1);
  const old = before.get(table);
  const now = after.get(table);
  const checksum = old?.columns[column];
  if (!old || !now || checksum === undefined || now.rows !== old.rows) return undefined;
  return Object.keys(now.columns).find((name) => !(name in old.columns) && now.columns[name] === checksum);
}

function preservation(
  baseline: Schema,
  before: DataFingerprint,
  after: DataFingerprint,
): Pick<DataReport, 'preserved' | 'changed'> {
  const preserved: DataReport['preserved'] = [];
  const changed: DataReport['changed'] = [];
  for (const [table, data] of before) {
    const later = after.get(table);
    if (!later) continue;
    const same: string[] = [];
    for (const [column, checksum] of Object.entries(data.columns)) {
      const now = later.columns[column];
      if (now === undefined) continue;
      if (now === checksum && later.rows === data.rows) same.push(column);
      else
        changed.push({
          table,
          column,
          reason:
            later.rows !== data.rows
              ? `row count ${data.rows} → ${later.rows}`
              : `values differ after up → down (${data.nonNull[column] ?? 0} → ${later.nonNull[column] ?? 0} non-NULL values)`,
        });
    }
    preserved.push({ table, rows: later.rows, columns: same });
  }
  void baseline;
  return { preserved, changed };
}

async function scaleEstimates(
  options: RehearsalOptions,
  steps: StatementReport[],
  baselineData: DataFingerprint,
  lockTimeoutMs: number,
): Promise<ScaleEstimate[]> {
  const rowCounts = new Map<string, { rows: number; source: ScaleEstimate['rowCountSource'] }>();
  if (options.targetUrl) {
    for (const [table, rows] of await readTargetRowCounts(options.targetUrl, options.engine))
      rowCounts.set(table, { rows, source: 'target statistics' });
  }
  for (const [table, rows] of Object.entries(options.rowCounts ?? {})) rowCounts.set(table, { rows, source: 'input' });
  if (rowCounts.size === 0) return [];
  const syntheticRows = new Map([...baselineData].map(([table, data]) => [table, data.rows]));
  return estimateAtScale({ steps, syntheticRows, rowCounts, lockTimeoutMs });
}

function engineNotes(engine: ShadowEngine, migration: Migration): string[] {
  if (engine === 'mysql')
    return [
      'MySQL/MariaDB commit every DDL statement implicitly: a migration that fails halfway leaves the earlier statements applied; there is no transactional rollback.',
      'Per-statement durations are measured; locks are metadata locks taken at the start and end of each ALTER (not observable per statement); "rows copied" marks ALGORITHM=COPY rebuilds.',
    ];
  if (engine === 'sqlite')
    return [
      'SQLite alters most things by rebuilding the table (create new, copy rows, drop old, rename); the whole database is locked for writes during a transaction.',
    ];
  if (migration.transactional)
    return ['Statements ran in one transaction, as the migration tool runs them; locks are held until COMMIT.'];
  if (runsAsImplicitTransaction(migration, engine))
    return [`${implicitTransactionNote(migration)} The rehearsal ran them that way; locks are held until the end.`];
  return [
    `${migration.format === 'sql' ? 'The migration contains statements that cannot run in a transaction' : `The ${migration.format} tool does not wrap this migration in a transaction`}: each statement ran on its own (CONCURRENTLY ones outside any transaction) and releases its locks when it ends; a failure halfway leaves the earlier statements applied.`,
  ];
}

function progressReporter(options: RehearsalOptions) {
  const upCount = options.migration.up.length;
  const downCount = options.migration.down?.length ?? 0;
  const baselineCount = options.baseline.kind === 'migrations' ? options.baseline.migrations.length : 1;
  const total = 3 + baselineCount + upCount * 2 + downCount;
  let done = 0;
  return {
    step(message: string) {
      options.onProgress?.(Math.min(done, total), total, message);
      done++;
    },
  };
}
