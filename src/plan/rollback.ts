import path from 'node:path';
import type { Engine } from '../model.js';
import { resolveProjectRoot } from '../root.js';
import { downBetween, schemasAround } from '../schema/down.js';
import { assertShadowServer } from '../shadow/guard.js';
import { shadowEngineFor } from '../shadow/open.js';
import type { RehearsalReport } from '../shadow/rehearse.js';
import { splitForEngine } from '../shadow/statements.js';
import type { ProjectCodeConsent } from '../sources/index.js';
import { touchedTables, type VerifyQuery, verificationQueries } from './rollback-checks.js';
import { type RollbackCommand, rollbackCommand } from './rollback-commands.js';
import {
  type Evidence,
  gradeOf,
  type Loss,
  lossesOf,
  type PointOfNoReturn,
  pointsOfNoReturn,
  type RollbackGrade,
} from './rollback-grade.js';
import { manualSteps } from './rollback-manual.js';
import { proveRollback, type RollbackProof } from './rollback-proof.js';
import { downFileName, packageFacts, type RollbackTarget, resolveMigration, sqlOrFile } from './rollback-target.js';
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
  /** The schemas around the migration, then the proof's rehearsal step by step. */
  onProgress?: (progress: number, total: number, message: string) => void;
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

export async function rollbackPlan(request: RollbackPlanRequest): Promise<RollbackPlan> {
  const root = resolveProjectRoot(request.projectRoot);
  const shadowUrl = request.shadowUrl ?? process.env.SHADOW_DATABASE_URL;
  if (shadowUrl)
    assertShadowServer(shadowUrl, {
      ...(request.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
      source: request.shadowUrl ? 'shadowUrl' : 'SHADOW_DATABASE_URL',
    });
  const resolved = await resolveMigration(root, request);
  return (await rollbackPlanOf(root, resolved, { ...request, ...(shadowUrl ? { shadowUrl } : {}) })).plan;
}

/** What rollbackPlanOf needs beyond the migration: the consent-free options of a request, and rehearsal settings. */
export type RollbackOptions = Omit<RollbackPlanRequest, 'projectRoot' | 'migration' | 'sql' | 'executeProjectCode'> & {
  /** Production row counts per table, for the rehearsal's scale estimate. */
  rowCounts?: Record<string, number>;
  lockTimeoutMs?: number;
};

/**
 * The rollback plan of a migration already read (migration_plan reads its own), with the rehearsal that speaks
 * for the migration: the first one when its up failed on synthetic rows, else the one that proved the down.
 */
export async function rollbackPlanOf(
  root: string,
  resolved: RollbackTarget,
  request: RollbackOptions,
): Promise<{ plan: RollbackPlan; rehearsal?: RehearsalReport }> {
  const shadowUrl = request.shadowUrl;
  const { migration, earlier, engine } = resolved;
  const shadowEngine = shadowEngineFor(engine);
  const shadow = { engine, ...(shadowUrl ? { shadowUrl } : {}), ...(request.signal ? { signal: request.signal } : {}) };
  request.onProgress?.(0, 1, 'reading the schemas before and after the migration');
  const { before, after } = await schemasAround(migration, earlier, shadow);
  const derived = downBetween(migration, earlier.length, before, after);

  // A down() that fails on broken code ran only its first statements: not a rollback to prove or to run.
  const ownStatements = request.down
    ? await splitForEngine(await sqlOrFile(root, request.down), shadowEngine, 'down')
    : migration.down?.length && !migration.downFails
      ? migration.down
      : undefined;
  const own = ownStatements?.map((statement) => statement.sql);
  const findings: string[] = [];
  if (migration.downFails && !request.down)
    findings.push(
      `The project's down fails (${migration.downFails}): rolling back with the tool stops there${migration.down?.length ? `, after ${migration.down.length} of its statement(s) ran` : ''}. The down below is derived from the schema instead: fix the project's down, or roll back with this one.`,
    );
  const notes = [...resolved.notes];

  let proof: RollbackProof = { status: 'skipped', reason: 'rehearse: false' };
  let rehearsal: RehearsalReport | undefined;
  let upRehearsal: RehearsalReport | undefined;
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
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      ...(request.keepWarm ? { keepWarm: true } : {}),
      ...(request.rowCounts ? { rowCounts: request.rowCounts } : {}),
      ...(request.lockTimeoutMs !== undefined ? { lockTimeoutMs: request.lockTimeoutMs } : {}),
    });
    ({ proof, source } = outcome);
    rehearsal = outcome.report;
    upRehearsal = outcome.upReport.outcome === 'failed' ? outcome.upReport : outcome.report;
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

  const facts = packageFacts(root, resolved.package);
  const command = rollbackCommand({
    migration,
    all: resolved.all,
    directory: resolved.directory,
    engine,
    downFile: `${path.posix.dirname(migration.path)}/down.sql`,
    ...facts,
  });
  const position = resolved.all.indexOf(migration);
  const previous = position > 0 ? resolved.all[position - 1] : undefined;
  const dataTables = lost.filter((loss) => loss.object.startsWith('rows of ')).map((loss) => loss.object.slice(8));
  const touched = touchedTables(before, after, dataTables);
  const plan: RollbackPlan = {
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
  return { plan, ...(upRehearsal ? { rehearsal: upRehearsal } : {}) };
}
