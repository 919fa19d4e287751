import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { parseServerVersion } from '../generate/current-schema.js';
import type { ServerVersion } from '../generate/ddl.js';
import type { Engine, Migration, Statement } from '../model.js';
import { defaultEngine } from '../project/default-engine.js';
import { detectSetup } from '../project/detect.js';
import type { Commands } from '../project/types.js';
import { resolveInsideRoot, resolveProjectRoot } from '../root.js';
import type { SqlInput } from '../safety/inputs.js';
import { loadProjectDatabase } from '../safety/project-database.js';
import type { ChecklistItem, ValidationReport } from '../safety/report.js';
import { checkSqlInputs } from '../safety/run.js';
import { assertShadowServer } from '../shadow/guard.js';
import { shadowEngineFor } from '../shadow/open.js';
import { DEFAULT_LOCK_TIMEOUT_MS, type RehearsalReport, rehearseMigration } from '../shadow/rehearse.js';
import { migrationFromSql } from '../shadow/statements.js';
import type { ShadowEngine } from '../shadow/types.js';
import { askOnce } from '../sources/consent.js';
import {
  findMigrationFolders,
  type ProjectCodeConsent,
  type ReadMigrationsResult,
  readMigrations,
} from '../sources/index.js';
import { migrationIndex } from '../sources/migration-ref.js';
import { changesOf } from './migration-plan-changes.js';
import { deploymentSteps } from './migration-plan-deploy.js';
import { planRollback } from './migration-plan-rollback.js';
import type {
  ChecklistStatus,
  MigrationPlan,
  PlanChange,
  PlanChecklistItem,
  PlanImpact,
  PlanRisk,
  PlanRollback,
  TimelineEntry,
  TimelinePhase,
} from './migration-plan-types.js';
import { type Promotion, readPromotion } from './promotion.js';
import { declaredLocks, estimatedEntries, longestBlocks, rehearsedEntries, timelineOf } from './timeline.js';
import { engineEntries } from './timeline-engines.js';
import { formatMs } from './timeline-render.js';

/**
 * migration_plan's engine (seed step 7): for one or more migrations of the project — or SQL given as text — it
 * gathers the safety report, the shadow rehearsal (locks, durations, round trip), the rollback, and assembles
 * the plan with its lock timeline. Nothing is applied anywhere but throw-away shadows.
 */

export interface MigrationPlanRequest {
  projectRoot: string;
  /** Migration ids, names or paths in the project's migration folder; default: the newest migration. */
  migrations?: string[];
  /** SQL of an up migration given as text (instead of `migrations`). */
  sql?: string;
  /** SQL of its down, with `sql`. */
  downSql?: string;
  /** The migration folder, when the project has several. */
  path?: string;
  engine?: string;
  executeProjectCode?: ProjectCodeConsent;
  /** Rehearse on a shadow (default true): measured locks and durations, and the rollback proven. */
  rehearse?: boolean;
  shadowUrl?: string;
  allowRemoteShadow?: boolean;
  /** Production row counts per table, for lock durations at scale. */
  rowCounts?: Record<string, number>;
  /**
   * An environment of the project's configuration to promote to: its pending migrations are planned (unless
   * `migrations` names others) with its row counts, both read there over read-only connections.
   */
  environment?: string;
  /** Where env:VARIABLE references are looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  lockTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: number, total: number, message: string) => void;
  keepWarm?: boolean;
}

interface Target {
  migration: Migration;
  earlier: Migration[];
}

export async function migrationPlan(request: MigrationPlanRequest): Promise<MigrationPlan> {
  const root = resolveProjectRoot(request.projectRoot);
  const shadowUrl = request.shadowUrl ?? (process.env.SHADOW_DATABASE_URL || undefined);
  // A shadow server the guard refuses is refused before anything is read or run.
  if (shadowUrl)
    assertShadowServer(shadowUrl, {
      ...(request.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
      source: request.shadowUrl ? 'shadowUrl' : 'SHADOW_DATABASE_URL',
    });
  const consent = askOnce(request.executeProjectCode ?? false);
  const promoted = request.environment ? await promote(root, request) : undefined;
  if (promoted) request = promoted.request;
  const { targets, engine, notes, directory, folder } = await selectTargets(root, request, consent);
  if (promoted) notes.unshift(promoted.note);
  const sqlGiven = request.sql !== undefined;
  const shadowEngine = shadowEngineFor(engine);
  const lockTimeoutMs = request.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const { commands, version } = projectPackage(root, directory);
  const postgres = shadowEngine === 'postgresql';

  const rollbacks: PlanRollback[] = [];
  const reports: (RehearsalReport | undefined)[] = [];
  const rehearsals: MigrationPlan['rehearsals'] = [];
  const changes: PlanChange[] = [];
  const safety: (ValidationReport | undefined)[] = [];
  const total = targets.length * 3;
  for (const [position, { migration, earlier }] of targets.entries()) {
    request.signal?.throwIfAborted();
    request.onProgress?.(position * 3, total, `${migration.id}: rollback plan and rehearsal`);
    const { rollback, rehearsal } = await planRollback(
      root,
      {
        migration,
        earlier,
        all: folder && !sqlGiven ? folder.migrations : [...earlier, migration],
        directory: folder?.directory ?? '.',
        package: folder?.package ?? '.',
        engine,
        notes: [],
      },
      {
        ...(request.rehearse === false ? { rehearse: false } : {}),
        ...shadowOptions(request, shadowUrl),
      },
    );
    request.onProgress?.(position * 3 + 1, total, `${migration.id}: rehearsal`);
    // Without a rollback plan (its up did not run on the shadow) the up is still rehearsed, for the failure.
    const report =
      request.rehearse === false
        ? undefined
        : (rehearsal ?? (await rehearse(migration, earlier, shadowEngine, request)));
    rehearsals.push(rehearsalOutcome(migration.id, report, request.rehearse === false));
    reports.push(report instanceof Error ? undefined : report);
    rollbacks.push(rollback);
    request.onProgress?.(position * 3 + 2, total, `${migration.id}: safety check`);
    safety.push(postgres ? await safetyReport(root, migration, earlier, request) : undefined);
    changes.push(...(await changesOf(migration, postgres)));
  }
  if (!postgres)
    notes.push(
      `validate_safety checks PostgreSQL migrations only: the checklist for ${engine} rests on the rehearsal.`,
    );

  const timeline = buildTimeline({
    targets,
    reports,
    safety,
    lockTimeoutMs,
    engine: shadowEngine,
    ...versionOf(version, reports),
    ...(request.rowCounts ? { rowCounts: request.rowCounts } : {}),
  });
  const tables = affectedTables(changes, timeline.entries);
  const checklist = answerChecklist(targets, safety, reports, rollbacks, timeline.entries, engine);
  const { risk, reasons } = riskOf(safety, reports, changes, timeline.entries);
  const blocking = timeline.entries.filter((entry) => entry.phase === 'up' && entry.blocks !== 'schema changes');
  return {
    name: targets.map(({ migration }) => readableName(migration)).join(' + '),
    summary: summarize(targets, changes),
    risk,
    riskReasons: reasons,
    engine,
    migrations: targets.map(({ migration }) => ({
      id: migration.id,
      name: migration.name,
      path: migration.path,
      format: migration.format,
      transactional: migration.transactional,
      oneQuery: migration.execution === 'one-query',
      statements: migration.up.length,
      hasDown: (migration.down?.length ?? 0) > 0,
      sql: migration.up.map((statement) => `${statement.sql};`).join('\n'),
      ...sourceOf(root, migration),
    })),
    changes,
    rollback: rollbacks,
    checklist,
    deployment: deploymentSteps({
      engine,
      tables,
      ...(commands.apply ? { applyCommand: commands.apply.command } : {}),
      ...rollbackCommandOf(rollbacks, commands),
      lockTimeoutMs,
      blocking,
      followUps: safety.flatMap((report) =>
        (report?.findings ?? []).flatMap((finding) =>
          (finding.fix?.steps ?? []).filter((step) => step.separateMigration),
        ),
      ),
      incompatible: safety.flatMap((report) =>
        (report?.findings ?? [])
          .filter((finding) => finding.breaksOldCode)
          .map(
            (finding) => `${finding.title} (line ${finding.span.start.line}): ${finding.fix?.summary ?? finding.why}`,
          ),
      ),
      migrationIds: targets.map(({ migration }) => migration.id),
    }),
    impact: impactOf(timeline.entries, tables, reports),
    timeline,
    rehearsals,
    ...(promoted ? { environment: promoted.promotion } : {}),
    notes,
  };
}

/** The request for promoting to `request.environment`: its pending migrations and row counts, read there. */
async function promote(
  root: string,
  request: MigrationPlanRequest,
): Promise<{ request: MigrationPlanRequest; promotion: Promotion; note: string }> {
  const environment = request.environment as string;
  if (request.sql !== undefined)
    throw new UserError(
      'input',
      'Give `environment` (plan what it has still to run) or `sql`, not both.',
      'Pass {"environment": "staging"}, optionally with the migrations to plan.',
    );
  const { promotion, rowCounts } = await readPromotion(root, environment, {
    ...(request.path ? { path: request.path } : {}),
    ...(request.env ? { env: request.env } : {}),
  });
  const migrations = request.migrations?.length ? request.migrations : promotion.pending;
  return {
    request: { ...request, migrations, rowCounts: { ...rowCounts, ...request.rowCounts } },
    promotion,
    note: `promotion to ${environment} (${promotion.url}): ${promotion.applied} applied, ${promotion.pending.length} pending; row counts of ${promotion.rowCountsRead} table(s) read there (read-only).${phaseNote(promotion)}`,
  };
}

function phaseNote(promotion: Promotion): string {
  const phase = promotion.phase;
  if (!phase) return '';
  const done = phase.next > 1 ? `it has run phase ${phase.next - 1} of ${phase.of}; ` : '';
  return ` ${promotion.environment} is inside a ${phase.of}-phase change: ${done}next is phase ${phase.next} (${phase.label}), ${phase.migration}.`;
}

async function selectTargets(
  root: string,
  request: MigrationPlanRequest,
  consent: ProjectCodeConsent,
): Promise<{ targets: Target[]; engine: Engine; notes: string[]; directory?: string; folder?: ReadMigrationsResult }> {
  const notes: string[] = [];
  if (request.sql !== undefined) {
    if (request.migrations?.length)
      throw new UserError(
        'input',
        'Give `sql` (migration text) or `migrations` (ids, names or paths), not both.',
        'Pass {"sql": "ALTER TABLE …"} or {"migrations": ["20240501_add_orders"]}.',
      );
    const history = await readMigrations(root, {
      ...(request.path ? { path: request.path } : {}),
      ...(request.engine ? { engine: request.engine as Engine } : {}),
      executeProjectCode: consent,
    }).catch(() => undefined);
    const engine = (request.engine as Engine | undefined) ?? history?.engine ?? (await defaultEngine(root, 'this SQL'));
    const earlier = (history?.migrations ?? []).filter((migration) => migration.compiled !== false);
    if (history && earlier.length < history.migrations.length)
      notes.push('some earlier migrations are code that was not run: the shadow lacks their tables.');
    const migration = await migrationFromSql({
      id: 'sql',
      path: '<sql>',
      up: request.sql,
      ...(request.downSql !== undefined ? { down: request.downSql, downPath: '<down>' } : {}),
      engine: shadowEngineFor(engine),
    });
    if (migration.up.length === 0)
      throw new UserError('input', 'The SQL holds no statement.', 'Pass the SQL of the migration to plan.');
    notes.push(`the SQL is planned on top of ${earlier.length} migration(s) of the project.`);
    return {
      targets: [{ migration, earlier }],
      engine,
      notes,
      ...(history ? { directory: history.directory, folder: history } : {}),
    };
  }
  // A migration named by its path says which folder to read, also in a project with several.
  const pathRef = request.migrations?.find((ref) => ref.includes('/'));
  // The folder that holds it, found as list_migrations finds it: a Prisma migration's own directory is not the
  // migration folder, and reading only it would plan the migration with no history before it.
  const folderPath =
    request.path ??
    (pathRef
      ? ((await findMigrationFolders(root, pathRef).catch(() => []))[0]?.directory ?? path.posix.dirname(pathRef))
      : undefined);
  const folder = await readMigrations(root, {
    ...(folderPath ? { path: folderPath } : {}),
    ...(request.engine ? { engine: request.engine as Engine } : {}),
    executeProjectCode: consent,
  });
  const all = folder.migrations;
  const engine =
    (request.engine as Engine | undefined) ?? folder.engine ?? (await defaultEngine(root, 'these migrations'));
  const refs = request.migrations?.length ? request.migrations : [all.at(-1)?.id ?? ''];
  if (!request.migrations?.length) notes.push(`planned the newest migration of ${folder.directory}.`);
  const indexes = refs.map((ref) => migrationIndex(all, ref, folder.directory));
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const notCompiled = all.slice(0, (sorted.at(-1) ?? 0) + 1).find((migration) => migration.compiled === false);
  if (notCompiled)
    throw new UserError(
      'migrations-not-compiled',
      `${notCompiled.path} is code whose SQL is unknown without running it.`,
      'Pass executeProjectCode: true (CLI --execute) to record its SQL in the sandbox, or plan SQL migrations.',
      { file: notCompiled.path },
    );
  const targets = sorted.map((index) => ({ migration: all[index] as Migration, earlier: all.slice(0, index) }));
  return { targets, engine, notes, directory: folder.directory, folder };
}

async function rehearse(
  migration: Migration,
  earlier: Migration[],
  engine: ShadowEngine,
  request: MigrationPlanRequest,
): Promise<RehearsalReport | Error> {
  const shadowUrl = request.shadowUrl ?? (process.env.SHADOW_DATABASE_URL || undefined);
  try {
    return await rehearseMigration({
      engine,
      migration,
      baseline: { kind: 'migrations', migrations: earlier },
      ...shadowOptions(request, shadowUrl),
    });
  } catch (error) {
    request.signal?.throwIfAborted();
    // The plan is still made without the rehearsal (from the lock map), and says why it was not rehearsed.
    return error as Error;
  }
}

/** What the rollback plan's rehearsal and the fallback rehearsal share: where, at what scale, for how long. */
function shadowOptions(request: MigrationPlanRequest, shadowUrl: string | undefined) {
  return {
    ...(shadowUrl ? { shadowUrl } : {}),
    ...(request.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
    ...(request.rowCounts ? { rowCounts: request.rowCounts } : {}),
    ...(request.lockTimeoutMs !== undefined ? { lockTimeoutMs: request.lockTimeoutMs } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.keepWarm ? { keepWarm: true as const } : {}),
  };
}

function rehearsalOutcome(
  migration: string,
  report: RehearsalReport | Error | undefined,
  declined: boolean,
): MigrationPlan['rehearsals'][number] {
  if (declined) return { migration, outcome: 'skipped', reason: 'rehearse: false was asked' };
  if (!report || report instanceof Error)
    return { migration, outcome: 'skipped', reason: report?.message ?? 'not rehearsed' };
  return {
    migration,
    outcome: report.outcome,
    shadow: report.shadow,
    ...(report.failure ? { reason: `${report.failure.location}: ${report.failure.message}` } : {}),
  };
}

/** The command that rolls back the newest migration planned: rollback_plan's, else the project's script. */
function rollbackCommandOf(rollbacks: PlanRollback[], commands: Commands): { rollbackCommand?: string } {
  const command = rollbacks.at(-1)?.plan?.command.command ?? commands.rollback?.command;
  return command ? { rollbackCommand: command } : {};
}

async function safetyReport(
  root: string,
  migration: Migration,
  earlier: Migration[],
  request: MigrationPlanRequest,
): Promise<ValidationReport | undefined> {
  const input: SqlInput = {
    file: migration.path,
    sql: textAtLines(migration.up),
    inTransaction: migration.transactional,
    ...(migration.down?.length
      ? { down: { file: migration.path, sql: textAtLines(migration.down) } }
      : { downMissing: true }),
  };
  const database = await loadProjectDatabase(root);
  const result = await checkSqlInputs([input], {
    root,
    projectDatabase: () => database,
    history: earlier.map((item) => ({ sql: textAtLines(item.up), file: item.path })),
    ...(request.rowCounts ? { rowCounts: request.rowCounts } : {}),
  });
  return result.files[0];
}

/** The statements as one SQL text, each on the line it was written at, so the check's lines are the file's. */
function textAtLines(statements: Statement[]): string {
  let text = '';
  let line = 1;
  for (const statement of statements) {
    const target = statement.span.start.line;
    if (line < target) {
      text += '\n'.repeat(target - line);
      line = target;
    } else if (text) {
      text += '\n';
      line++;
    }
    const sql = `${statement.sql};`;
    text += sql;
    line += sql.split('\n').length - 1;
  }
  return text;
}

/** The package whose migrations are planned, as detect_setup sees it: its commands and its server version. */
function projectPackage(root: string, folder: string | undefined): { commands: Commands; version?: ServerVersion } {
  const setup = detectSetup(root);
  const owner =
    setup.packages.find((pkg) => folder && pkg.migrationDirs.some((dir) => dir.path === folder)) ??
    setup.packages.find((pkg) => pkg.migrationDirs.length > 0) ??
    setup.packages[0];
  const named = owner?.engine?.version ? parseServerVersion(owner.engine.version, owner.engine.name) : undefined;
  return { commands: owner?.commands ?? {}, ...(named ? { version: named } : {}) };
}

/** The production server's version as the project names it, else the MySQL/MariaDB shadow's the rehearsal ran on. */
function versionOf(
  named: ServerVersion | undefined,
  reports: (RehearsalReport | undefined)[],
): { version?: ServerVersion } {
  const shadow = reports.find((report) => report?.serverVersion)?.serverVersion;
  const version =
    named ?? (shadow ? parseServerVersion(shadow, /maria/i.test(shadow) ? 'mariadb' : 'mysql') : undefined);
  return version ? { version } : {};
}

interface TimelineInputs {
  targets: Target[];
  reports: (RehearsalReport | undefined)[];
  safety: (ValidationReport | undefined)[];
  lockTimeoutMs: number;
  engine: ShadowEngine;
  version?: ServerVersion;
  rowCounts?: Record<string, number>;
}

function buildTimeline(inputs: TimelineInputs) {
  const { targets, reports, safety, lockTimeoutMs, engine } = inputs;
  const entries: TimelineEntry[] = [];
  let upClock = 0;
  const bases = new Set<string>();
  // MySQL/MariaDB and SQLite shadows report no locks: what each statement blocks is read from its SQL.
  const fromSql = (migration: Migration, report: RehearsalReport | undefined, phase: TimelinePhase, offsetMs: number) =>
    engineEntries({
      engine: engine === 'sqlite' ? 'sqlite' : 'mysql',
      ...(inputs.version ? { version: inputs.version } : {}),
      migration,
      ...(report ? { report } : {}),
      phase,
      offsetMs,
      ...(inputs.rowCounts ? { rowCounts: inputs.rowCounts } : {}),
      lockTimeoutMs,
    });
  for (const [position, { migration }] of targets.entries()) {
    const report = reports[position];
    const checked = safety[position];
    if (report) {
      const up =
        engine === 'postgresql'
          ? rehearsedEntries(report, migration.id, 'up', upClock, declaredLocks(checked?.locks ?? []))
          : fromSql(migration, report, 'up', upClock);
      entries.push(...up.entries);
      upClock = up.endMs;
      const stretched = report.estimates.length > 0 || up.entries.some((entry) => entry.source === 'estimated');
      bases.add(
        stretched
          ? 'rehearsed on the shadow, stretched to the production row counts given'
          : `rehearsed on the shadow (${report.baseline.tables.reduce((sum, table) => sum + table.rows, 0)} synthetic rows)`,
      );
    } else if (checked) {
      const up = estimatedEntries(checked.locks, migration.id, migration.path, upClock, lockTimeoutMs);
      entries.push(...up.entries);
      upClock = up.endMs;
      bases.add('estimated from the lock map and table sizes (not rehearsed)');
    } else if (engine !== 'postgresql') {
      const up = fromSql(migration, undefined, 'up', upClock);
      entries.push(...up.entries);
      upClock = up.endMs;
      bases.add('estimated from the statements and the row counts given (not rehearsed)');
    }
  }
  // Rolling back runs the downs newest first.
  let downClock = 0;
  for (let position = targets.length - 1; position >= 0; position--) {
    const report = reports[position];
    const target = targets[position];
    if (!report || !target) continue;
    const down =
      engine === 'postgresql'
        ? rehearsedEntries(report, target.migration.id, 'down', downClock)
        : fromSql(target.migration, report, 'down', downClock);
    entries.push(...down.entries);
    downClock = down.endMs;
  }
  const basis = [...bases].join('; ') || 'no lock information';
  return timelineOf(entries, lockTimeoutMs, upClock, `${basis}${ENGINE_BASIS[engine](inputs.version)}`);
}

const ENGINE_BASIS: Record<ShadowEngine, (version?: ServerVersion) => string> = {
  postgresql: () => '',
  mysql: (version) =>
    `; ALTER algorithms of ${version ? `${version.flavor} ${version.major}.${version.minor}` : 'MySQL 8.0.29+ / MariaDB 10.4+ (no server version found)'}: INSTANT and INPLACE hold an exclusive metadata lock briefly, COPY blocks writes throughout; each waits behind open transactions, and queries queue behind it`,
  sqlite: () => '; SQLite: a write transaction blocks every writer to the database file until commit',
};

function affectedTables(changes: PlanChange[], entries: TimelineEntry[]): string[] {
  // One name per table: the shadow may name a locked table schema-qualified (public.Comment) or not.
  const tables = new Map<string, string>();
  const add = (table: string) => {
    const key = table.replace(/^public\./, '');
    if (!tables.has(key)) tables.set(key, table);
  };
  for (const change of changes) if (change.table !== '—' && change.table !== '?') add(change.table);
  for (const entry of entries) if (entry.phase === 'up') add(entry.table);
  return [...tables.values()];
}

const SEED_CHECKLIST: { id: PlanChecklistItem['id']; title: string; from: ChecklistItem['id'][] }[] = [
  { id: 'no-data-loss', title: 'No data loss — additive change only', from: ['no-data-loss'] },
  {
    id: 'backward-compatible',
    title: 'Backward compatible — old code works with new schema',
    from: ['backward-compatible'],
  },
  { id: 'no-long-locks', title: 'No table locks on large tables', from: ['no-long-locks'] },
  { id: 'indexes', title: 'Indexes added for new query patterns', from: ['foreign-key-indexes'] },
  {
    id: 'foreign-keys',
    title: 'Foreign keys reference existing tables',
    from: ['foreign-keys-reference-existing-tables'],
  },
  { id: 'rollback-tested', title: 'Rollback tested', from: ['rollback-present'] },
];

const STATUS_RANK: Record<ChecklistStatus, number> = { pass: 0, unknown: 1, fail: 2 };

function answerChecklist(
  targets: Target[],
  safety: (ValidationReport | undefined)[],
  reports: (RehearsalReport | undefined)[],
  rollbacks: PlanRollback[],
  entries: TimelineEntry[],
  engine: Engine,
): PlanChecklistItem[] {
  const several = targets.length > 1;
  return SEED_CHECKLIST.map(({ id, title, from }) => {
    const answers: { status: ChecklistStatus; evidence: string }[] = [];
    for (const [position, { migration }] of targets.entries()) {
      const prefix = several ? `${migration.id}: ` : '';
      const report = safety[position];
      const rehearsal = reports[position];
      // Once rehearsed, whether the rollback works is proven, not inferred from the down's presence.
      const fromSafety = id === 'rollback-tested' && rehearsal ? [] : (report?.checklist ?? []);
      for (const item of fromSafety.filter((candidate) => from.includes(candidate.id)))
        answers.push({ status: item.status, evidence: `${prefix}${item.evidence.join('; ') || item.title}` });
      if (!report && id !== 'rollback-tested' && id !== 'no-long-locks' && id !== 'no-data-loss')
        answers.push({
          status: 'unknown',
          evidence: `${prefix}not checked: validate_safety reads PostgreSQL only (${engine})`,
        });
      if (id === 'no-data-loss' && rehearsal) {
        const destroyed = rehearsal.data.destroyed.filter((item) => item.phase === 'up');
        answers.push({
          status: destroyed.length ? 'fail' : 'pass',
          evidence: `${prefix}rehearsal: ${destroyed.length ? destroyed.map((item) => `up destroys ${item.kind} ${item.object} (${item.rows} rows)`).join(', ') : 'the up destroyed no table, column or row'}`,
        });
      }
      if (id === 'rollback-tested') {
        const rollback = rollbacks[position];
        const proof = rollback?.plan?.proof;
        answers.push({
          status: proof?.status === 'passed' ? 'pass' : proof?.status === 'failed' ? 'fail' : 'unknown',
          evidence: `${prefix}${rollback?.plan ? `${rollback.plan.down.source} down, ${rollback.plan.grade}` : 'no down'}: up → down → up on the shadow ${proof?.status ?? 'not rehearsed'}${proof?.reason ? ` (${proof.reason})` : ''}`,
        });
      }
    }
    if (id === 'no-long-locks') {
      const over = entries.filter((entry) => entry.phase === 'up' && entry.exceedsLockTimeout);
      const blocking = entries.filter((entry) => entry.phase === 'up' && entry.blocks !== 'schema changes');
      answers.push({
        status: over.length ? 'fail' : 'pass',
        evidence: over.length
          ? `timeline: ${over.map((entry) => `${entry.table} blocked (${entry.blocks}) ${formatMs(entry.durationMs)} by #${entry.statement}`).join(', ')} — over lock_timeout`
          : `timeline: longest block ${formatMs(Math.max(0, ...blocking.map((entry) => entry.durationMs)))}, within lock_timeout`,
      });
    }
    const status = answers.reduce<ChecklistStatus>(
      (worst, answer) => (STATUS_RANK[answer.status] > STATUS_RANK[worst] ? answer.status : worst),
      answers.length ? 'pass' : 'unknown',
    );
    return { id, title, status, evidence: answers.map((answer) => answer.evidence) };
  });
}

const RISK_RANK: Record<PlanRisk, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

function riskOf(
  safety: (ValidationReport | undefined)[],
  reports: (RehearsalReport | undefined)[],
  changes: PlanChange[],
  entries: TimelineEntry[],
): { risk: PlanRisk; reasons: string[] } {
  let risk: PlanRisk = 'LOW';
  const reasons: string[] = [];
  const raise = (level: PlanRisk, reason: string) => {
    if (RISK_RANK[level] > RISK_RANK[risk]) risk = level;
    reasons.push(reason);
  };
  for (const report of safety) {
    if (!report) continue;
    if (report.risk !== 'LOW') raise(report.risk, `validate_safety: ${report.riskReasons.join('; ') || report.risk}`);
  }
  for (const report of reports) {
    if (report?.outcome === 'failed')
      raise('HIGH', `the rehearsal failed: ${report.failure?.message ?? 'see the rehearsal'}`);
    else if (report?.roundTrip.status === 'failed') raise('MEDIUM', 'the down does not restore the earlier schema');
  }
  for (const change of changes)
    if (/^DROP (TABLE|COLUMN)/.test(change.action))
      raise(
        'HIGH',
        `${change.action} ${change.table}${change.column !== '—' ? `.${change.column}` : ''} destroys data: confirm before applying`,
      );
  const over = entries.filter((entry) => entry.phase === 'up' && entry.exceedsLockTimeout);
  if (over.length) raise('MEDIUM', `${over.length} lock(s) held longer than lock_timeout`);
  if (reasons.length === 0) reasons.push('additive: no data loss, no blocking lock beyond lock_timeout');
  return { risk, reasons };
}

function impactOf(entries: TimelineEntry[], tables: string[], reports: (RehearsalReport | undefined)[]): PlanImpact {
  const longest = longestBlocks({ entries, lockTimeoutMs: 0, totalMs: 0, basis: '' });
  const longestBlockMs = Math.max(0, ...[...longest.values()].map((block) => block.ms));
  const over = entries.filter((entry) => entry.phase === 'up' && entry.exceedsLockTimeout);
  const synthetic = reports.find((report) => report)?.baseline.tables.reduce((sum, table) => sum + table.rows, 0);
  const downtime = over.length
    ? `${[...new Set(over.map((entry) => `${entry.table} ${entry.blocks === 'writes' ? 'writes' : 'reads and writes'}`))].join(', ')} blocked for up to ${formatMs(Math.max(...over.map((entry) => entry.durationMs)))}: plan a low-traffic window or the online alternative`
    : longest.size
      ? `None expected: the longest block is ${formatMs(longestBlockMs)}${synthetic !== undefined ? ` (rehearsed on ${synthetic} synthetic rows)` : ''}`
      : 'None: no lock blocks reads or writes of an existing table';
  const lockDuration = longest.size
    ? [...longest.entries()]
        .map(([table, block]) => `${table} ${formatMs(block.ms)} (${block.blocks} blocked)`)
        .join(', ')
    : '< 1 second: only new objects are locked';
  return { downtime, lockDuration, longestBlockMs, affectedTables: tables };
}

function summarize(targets: Target[], changes: PlanChange[]): string {
  const shown = changes.slice(0, 4).map((change) => {
    const object = change.column !== '—' ? `${change.table}.${change.column}` : change.table;
    return `${change.action.toLowerCase()} ${object === '—' ? '' : object}`.trim();
  });
  const more = changes.length > 4 ? ` and ${changes.length - 4} more change(s)` : '';
  const what = targets.length === 1 ? `Migration ${targets[0]?.migration.id}` : `${targets.length} migrations`;
  const statements = targets.reduce((sum, target) => sum + target.migration.up.length, 0);
  return `${what} (${statements} statement(s)): ${shown.join(', ') || 'no change'}${more}.`;
}

/** The file as written, for a migration that is code (capped: the plan shows it, it does not archive it). */
function sourceOf(root: string, migration: Migration): { source?: string } {
  if (!/\.(c|m)?(ts|js)$|\.py$/.test(migration.path)) return {};
  try {
    const lines = readFileSync(resolveInsideRoot(root, migration.path), 'utf8').split('\n');
    const shown = lines.slice(0, SOURCE_LINES).join('\n');
    return { source: lines.length > SOURCE_LINES ? `${shown}\n… (${lines.length - SOURCE_LINES} more lines)` : shown };
  } catch {
    return {};
  }
}

const SOURCE_LINES = 200;

/** `20240103000000_users_display_name` → `users display name`. */
function readableName(migration: Migration): string {
  const words = migration.name
    .replace(/\.(up\.)?(sql|ts|js|py)$/, '')
    .replace(/^\d+[_-]?/, '')
    .replace(/[_-]+/g, ' ')
    .trim();
  return words || migration.id;
}
