import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Engine, Migration } from '../model.js';
import { detectSetup } from '../project/detect.js';
import { relativeToRoot, resolveInsideRoot, resolveProjectRoot } from '../root.js';
import { downBetween, schemasAround } from '../schema/down.js';
import { assertShadowServer } from '../shadow/guard.js';
import { shadowEngineFor } from '../shadow/open.js';
import type { RehearsalReport } from '../shadow/rehearse.js';
import { migrationFromSql, splitForEngine } from '../shadow/statements.js';
import { askOnce } from '../sources/consent.js';
import { downFileOf } from '../sources/down-files.js';
import {
  findMigrationFolders,
  type ProjectCodeConsent,
  type ReadMigrationsResult,
  readMigrations,
} from '../sources/index.js';
import { touchedTables, type VerifyQuery, verificationQueries } from './rollback-checks.js';
import { type RollbackCommand, rollbackCommand } from './rollback-commands.js';
import {
  type Evidence,
  type Loss,
  lossesOf,
  type PointOfNoReturn,
  pointsOfNoReturn,
  type RollbackGrade,
} from './rollback-grade.js';
import { manualSteps } from './rollback-manual.js';
import { proveRollback, type RollbackProof } from './rollback-proof.js';
import { type DownValidation, validateDown } from './rollback-validate.js';

/**
 * rollback_plan's engine: for one migration (of the project's folder, or raw SQL), the down to use (the project's
 * own, checked, or one derived from the schemas around the up), how recoverable the migration is and why, the
 * project tool's rollback command, the manual route with its verification queries, the point of no return with
 * its backup, and the proof: up → down → up rehearsed on a throw-away shadow with synthetic rows.
 */

export interface RollbackPlanRequest {
  projectRoot: string;
  /** A migration id, name or path of the project's folder; '.' for the newest. */
  migration?: string;
  /** Raw SQL of an up migration, or a file holding it (instead of `migration`). */
  sql?: string;
  /** Hand-written down SQL (or a file) for raw SQL, or to try instead of the migration's own. */
  down?: string;
  engine?: string;
  /** Migration folder, when the project has several. */
  path?: string;
  shadowUrl?: string;
  allowRemoteShadow?: boolean;
  rowsPerTable?: number;
  /** Default true: prove the down by rehearsing up → down → up on a shadow. */
  rehearse?: boolean;
  executeProjectCode?: ProjectCodeConsent;
  signal?: AbortSignal;
  /** Long-lived callers (the MCP server) keep a warm PGlite ready for the next proof. */
  keepWarm?: boolean;
}

export interface RollbackPlan {
  migration: { id: string; name: string; path: string; format: string };
  engine: Engine;
  grade: RollbackGrade;
  evidence: Evidence[];
  lost: Loss[];
  down: {
    source: 'project' | 'derived';
    file?: string;
    statements: string[];
    validation?: DownValidation;
    /** The project has its own down: whether it gives back the earlier schema (from the rehearsal). */
    matchesEarlierSchema?: boolean;
    /** Derived from the schemas, shown when the project's own down is kept or was found wrong. */
    derived?: string[];
  };
  command: RollbackCommand;
  /** The manual route, in order; the SQL to run is `down.statements`. */
  manual: { steps: string[]; verify: VerifyQuery[] };
  pointsOfNoReturn: PointOfNoReturn[];
  proof: RollbackProof;
  findings: string[];
  caveats: string[];
  notes: string[];
}

const DEFAULT_ROWS = 100;

interface Resolved {
  migration: Migration;
  earlier: Migration[];
  all: Migration[];
  directory: string;
  package: string;
  engine: Engine;
  notes: string[];
}

export async function rollbackPlan(request: RollbackPlanRequest): Promise<RollbackPlan> {
  const root = resolveProjectRoot(request.projectRoot);
  const shadowUrl = request.shadowUrl ?? process.env.SHADOW_DATABASE_URL;
  if (shadowUrl)
    assertShadowServer(shadowUrl, {
      ...(request.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
      source: request.shadowUrl ? 'shadowUrl' : 'SHADOW_DATABASE_URL',
    });
  const resolved = await resolveMigration(root, request);
  const { migration, earlier, engine } = resolved;
  const shadowEngine = shadowEngineFor(engine);
  const shadow = { engine, ...(shadowUrl ? { shadowUrl } : {}), ...(request.signal ? { signal: request.signal } : {}) };
  const { before, after } = await schemasAround(migration, earlier, shadow);
  const derived = downBetween(migration, earlier.length, before, after);

  const ownStatements = request.down
    ? await splitForEngine(await sqlOrFile(root, request.down), shadowEngine, 'down')
    : migration.down?.length
      ? migration.down
      : undefined;
  const own = ownStatements?.map((statement) => statement.sql);
  const findings: string[] = [];
  const notes = [...resolved.notes];

  let proof: RollbackProof = { status: 'skipped', reason: 'rehearse: false' };
  let rehearsal: RehearsalReport | undefined;
  let source: 'project' | 'derived' = own ? 'project' : 'derived';
  if (request.rehearse !== false) {
    const outcome = await proveRollback({
      engine: shadowEngine,
      migration,
      earlier,
      ...(ownStatements ? { own: ownStatements } : {}),
      derived: derived.statements,
      rowsPerTable: request.rowsPerTable ?? DEFAULT_ROWS,
      ...(shadowUrl ? { shadowUrl } : {}),
      ...(request.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.keepWarm ? { keepWarm: true } : {}),
    });
    ({ proof, source } = outcome);
    rehearsal = outcome.report;
    findings.push(...outcome.findings);
    notes.push(...outcome.notes);
  }
  const downStatements = source === 'project' && own ? own : derived.statements;
  const downFile = source === 'project' ? downFileName(root, migration, request.down) : undefined;
  const validation = await validateDown(
    engine,
    downStatements,
    root,
    [...earlier, migration],
    downFile ?? 'derived-down.sql',
  );
  if (!validation && engine !== 'postgresql' && downStatements.length > 0)
    notes.push(`validate_safety reads PostgreSQL only: the ${engine} down was rehearsed, not linted`);
  for (const finding of validation?.findings ?? [])
    if (finding.severity === 'error') findings.push(`down statement ${finding.statement}: ${finding.message}`);

  const lost = lossesOf(derived, migration, source === 'project' ? rehearsal : undefined);
  const up = migration.up.map((statement) => statement.sql);
  const label = migration.id.replace(/[^\w.-]+/g, '_');
  const points = pointsOfNoReturn(lost, up, downStatements, engine, label);
  const { grade, evidence } = gradeOf(lost, points, proof, downStatements, up);

  const detected = scriptOf(root, resolved.package);
  const command = rollbackCommand({
    migration,
    all: resolved.all,
    directory: resolved.directory,
    engine,
    downFile: `${path.posix.dirname(migration.path)}/down.sql`,
    ...(detected ? { script: detected } : {}),
  });
  const position = resolved.all.indexOf(migration);
  const previous = position > 0 ? resolved.all[position - 1] : undefined;
  const dataTables = lost.filter((loss) => loss.object.startsWith('rows of ')).map((loss) => loss.object.slice(8));
  const touched = touchedTables(before, after, dataTables);
  return {
    migration: { id: migration.id, name: migration.name, path: migration.path, format: migration.format },
    engine,
    grade,
    evidence,
    lost,
    down: {
      source,
      ...(downFile ? { file: downFile } : {}),
      statements: downStatements,
      ...(validation ? { validation } : {}),
      ...(own && proof.status !== 'skipped' && proof.failedAt?.phase !== 'up'
        ? { matchesEarlierSchema: source === 'project' && proof.status === 'passed' }
        : {}),
      // The derived down is shown beside the project's only when the rehearsal could not vouch for the project's.
      ...(own && proof.status === 'skipped' ? { derived: derived.statements } : {}),
    },
    command,
    manual: {
      steps: manualSteps({
        migration,
        ...(previous ? { previous } : {}),
        engine,
        downStatements: downStatements.length,
        backups: points.filter((point) => point.phase === 'down').length,
      }),
      verify: verificationQueries(engine, before, after, touched, migration.format),
    },
    pointsOfNoReturn: points,
    proof,
    findings,
    caveats: derived.caveats,
    notes,
  };
}

function gradeOf(
  lost: Loss[],
  points: PointOfNoReturn[],
  proof: RollbackProof,
  down: string[],
  up: string[],
): { grade: RollbackGrade; evidence: Evidence[] } {
  if (proof.status === 'failed' && proof.failedAt?.phase !== 'up') {
    const failed = proof.failedAt;
    return {
      grade: 'irreversible',
      evidence: [
        failed
          ? {
              phase: 'down',
              statement: failed.statement,
              sql: down[failed.statement - 1] ?? '',
              why: `the down fails there in the rehearsal: ${failed.message}`,
            }
          : {
              phase: 'down',
              why: `no down gives back the earlier schema: ${(proof.schemaDifference ?? []).join('; ')}`,
            },
      ],
    };
  }
  if (
    down.length === 0 &&
    up.some((sql) => !/^\s*(delete|update|truncate|insert|select)\b/i.test(sql)) &&
    lost.length === 0
  )
    return {
      grade: 'reversible',
      evidence: [{ phase: 'up', why: 'the up leaves the schema unchanged: nothing to undo' }],
    };
  if (lost.length === 0)
    return {
      grade: 'reversible',
      evidence: [
        {
          phase: 'down',
          why: `the down gives back the earlier schema and no step destroys data${proof.status === 'passed' ? ' (proven by the rehearsal)' : ''}`,
        },
      ],
    };
  return {
    grade: 'reversible-with-data-loss',
    evidence: points.map((point) => ({
      phase: point.phase,
      statement: point.statement,
      sql: point.sql,
      why: point.phase === 'up' ? `destroys ${point.lost}` : `rolling back drops ${point.lost}`,
    })),
  };
}

async function resolveMigration(root: string, request: RollbackPlanRequest): Promise<Resolved> {
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
  // '.' is the newest migration, the one an agent has just written.
  const index =
    ref === '.'
      ? result.migrations.length - 1
      : result.migrations.findIndex(
          (item) => item.id === ref || item.name === ref || item.path === ref || item.path.endsWith(`/${ref}`),
        );
  const migration = result.migrations[index];
  if (!migration)
    throw new UserError(
      'migration-not-found',
      `No migration "${ref}" in ${result.directory} (${result.migrations.length} migration(s)).`,
      `Pass a migration id, name or path as list_migrations shows${result.migrations[0] ? `, e.g. ${result.migrations[0].id}` : ''}.`,
      { file: result.directory },
    );
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

function downFileName(root: string, migration: Migration, given: string | undefined): string {
  if (given) return /\n|;/.test(given) ? '<down>' : given;
  const origin = migration.down?.[0]?.origin?.file;
  if (origin) return origin;
  const file = downFileOf(migration.path, { has: (candidate) => existsSync(path.join(root, candidate)) });
  return file ?? migration.path;
}

async function sqlOrFile(root: string, text: string): Promise<string> {
  if (/\n|;/.test(text) || /^\s*(create|alter|drop|insert|update|delete)\s/i.test(text)) return text;
  const { readFile } = await import('node:fs/promises');
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

function scriptOf(root: string, pkg: string): { command: string; source: string } | undefined {
  try {
    const setup = detectSetup(root).packages.find((item) => item.path === pkg);
    const rollback = setup?.commands.rollback;
    return rollback?.source.startsWith('package.json') ? rollback : undefined;
  } catch {
    return undefined;
  }
}
