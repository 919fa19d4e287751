import { UserError } from '../errors.js';
import type { ReportSummary, Risk } from '../safety/report.js';
import type { CheckStream, OverallRisk, SafetyCheckResult } from '../safety/run.js';
import type { ProjectCodeConsent } from '../sources/types.js';
import { type ChangeScope, changedFiles, defaultBase, isGitRepository } from './changed-files.js';
import { migrationsAmong, type PendingMigration } from './pending.js';

/**
 * check_before_apply's engine, shared by the Claude Code hook, the git pre-commit hook and the GitHub Action: which
 * migrations are about to be applied, and the pass/fail verdict `check --fail-on` gives them in CI (a finding at or
 * above the threshold, or anything not fully checked, fails), with how each one's way back stands. Read-only: the
 * rollback is only rehearsed (on a throw-away shadow) when asked, because this check runs before every apply.
 */

export const FAIL_LEVELS = ['error', 'warning', 'info'] as const;
export type FailLevel = (typeof FAIL_LEVELS)[number];

/**
 * proven: up → down → up rehearsed; failed: that rehearsal failed; unproven: a down exists, not rehearsed;
 * missing: the tool has downs and this migration has none; derived: the tool never has downs (Prisma, Drizzle),
 * rollback_plan derives one; unknown: not said by the check.
 */
export type RollbackStatus = 'proven' | 'failed' | 'unproven' | 'missing' | 'derived' | 'unknown';

export interface ApplyCheckRequest {
  root: string;
  /** The migrations to check (files, folders or globs); else the changed ones of `scope`. */
  paths?: string[];
  /** SQL about to run as it is (`psql -c "…"`): checked instead of any file. */
  sql?: string;
  /**
   * Which changes are pending when no paths are given (default: the working tree against the merge base with
   * origin's default branch when the clone has one, else against HEAD).
   */
  scope?: ChangeScope;
  /** Pending = not yet applied in this environment of the configuration (its migration tool's bookkeeping). */
  environment?: string;
  failOn?: FailLevel;
  /** Prove each down by rehearsing up → down → up on a shadow (slow: off by default). */
  rehearse?: boolean;
  engine?: string;
  executeProjectCode: ProjectCodeConsent;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface MigrationVerdict {
  path: string;
  risk: OverallRisk;
  rollback: RollbackStatus;
}

export interface ApplyVerdict {
  verdict: 'pass' | 'fail';
  risk: OverallRisk | 'NONE';
  /** Why it fails, most important first; empty on a pass. */
  reasons: string[];
  /** Which migrations were taken as pending, and why those. */
  pending: string;
  migrations: MigrationVerdict[];
  next: string;
}

/** The verdict, with what the hooks need besides: the code migrations left unchecked only for want of consent. */
export interface ApplyCheck extends ApplyVerdict {
  needsConsent: string[];
  /** Whether the check fails for anything other than those (a finding, an unreadable file, a failed rollback). */
  failsBeyondConsent: boolean;
  /** The risk of what was checked, also when not everything was. */
  checkedRisk: Risk | 'NONE';
}

const MAX_REASONS = 12;

export async function checkBeforeApply(request: ApplyCheckRequest): Promise<ApplyCheck> {
  const failOn = request.failOn ?? 'error';
  const chosen =
    request.sql !== undefined ? { paths: [], why: 'the SQL given', migrations: [] } : await choosePending(request);
  if (chosen.paths.length === 0 && request.sql === undefined)
    return {
      verdict: 'pass',
      risk: 'NONE',
      reasons: [],
      pending: chosen.why,
      migrations: [],
      next: 'Nothing to check: pass `paths` (or `base`) if a migration should have been found.',
      needsConsent: [],
      failsBeyondConsent: false,
      checkedRisk: 'NONE',
    };
  const { streamMigrations } = await import('../safety/validate.js');
  const { result } = await streamMigrations(
    {
      root: request.root,
      paths: chosen.paths,
      ...(request.sql !== undefined ? { text: { file: '<command>', sql: request.sql } } : {}),
      ...(request.engine !== undefined ? { engine: request.engine } : {}),
      executeProjectCode: request.executeProjectCode,
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      check: {},
    },
    SUMMARIES_ONLY,
  );
  const migrations = result.files.map((report) => ({
    path: report.file ?? '<input>',
    risk: report.risk,
    rollback: rollbackOf(report, chosen.migrations),
  }));
  if (request.rehearse) await proveRollbacks(request, migrations, chosen.migrations);
  const found = findingReasons(result, failOn, migrations);
  const reasons = [...result.unchecked, ...found];
  const verdict = reasons.length > 0 ? 'fail' : 'pass';
  const needsConsent = result.errors.filter((error) => error.code === 'execute-required');
  return {
    verdict,
    risk: result.risk,
    reasons: capped(reasons),
    pending: chosen.why,
    migrations,
    next: nextStep(verdict, result, migrations),
    needsConsent: needsConsent.map((error) => error.where?.file ?? '<input>'),
    failsBeyondConsent: found.length > 0 || result.errors.length > needsConsent.length,
    checkedRisk: result.files.length > 0 ? result.checkedRisk : 'NONE',
  };
}

const SUMMARIES_ONLY: CheckStream = {
  begin() {},
  file: () => ({ statement() {}, end() {} }),
  fileEnd() {},
};

async function choosePending(
  request: ApplyCheckRequest,
): Promise<{ paths: string[]; why: string; migrations: PendingMigration[] }> {
  const all = () => migrationsAmong(request.root);
  if (request.paths && request.paths.length > 0) {
    const known = migrationsAmong(request.root, request.paths);
    return { paths: request.paths, why: 'the paths given', migrations: known.length > 0 ? known : all() };
  }
  if (request.environment !== undefined) return pendingIn(request, request.environment);
  const scope: ChangeScope = request.scope ?? { kind: 'working-tree', ...(await defaultBaseIn(request.root)) };
  if (!(await isGitRepository(request.root)))
    return {
      paths: ['.'],
      why: 'every migration of the project (not a git repository, so changed ones cannot be told apart)',
      migrations: all(),
    };
  const migrations = migrationsAmong(request.root, await changedFiles(request.root, scope));
  return { paths: migrations.map((migration) => migration.path), why: describeScope(scope), migrations };
}

/** What migration_status reads as not yet applied there (read-only), as paths: `file#changeset` counts as its file. */
async function pendingIn(
  request: ApplyCheckRequest,
  environment: string,
): Promise<{ paths: string[]; why: string; migrations: PendingMigration[] }> {
  const { migrationStatus } = await import('../environments/status.js');
  const status = await migrationStatus({
    root: request.root,
    environments: [environment],
    drift: false,
    limit: 1_000,
    executeProjectCode: request.executeProjectCode,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  const [found] = status.environments;
  if (!found || found.error)
    throw new UserError(
      found?.error?.code ?? 'environment',
      `The pending migrations of ${environment} could not be read: ${found?.error?.what ?? 'no such environment'}`,
      found?.error?.fix ?? 'Name an environment of db-migration-agent.config.json ("environments").',
    );
  const paths = [...new Set(found.pending.map((label) => label.replace(/#.*$/, '')))];
  return {
    paths,
    why: `the migrations not yet applied in ${environment}${found.table ? ` (read from ${found.table})` : ''}`,
    migrations: migrationsAmong(request.root, paths),
  };
}

async function defaultBaseIn(root: string): Promise<{ base?: string }> {
  if (!(await isGitRepository(root))) return {};
  const base = await defaultBase(root);
  return base ? { base } : {};
}

function describeScope(scope: ChangeScope): string {
  if (scope.kind === 'staged') return 'the migrations staged for commit';
  if (scope.kind === 'range') return `the migrations changed in ${scope.base}...${scope.head}`;
  return scope.base
    ? `the migrations changed since ${scope.base} (committed, modified or untracked)`
    : 'the migrations changed since the last commit (modified, staged or untracked)';
}

function rollbackOf(report: ReportSummary, known: PendingMigration[]): RollbackStatus {
  const item = report.checklist.find((each) => each.id === 'rollback-present');
  if (item?.status === 'pass') return 'unproven';
  const migration = known.find((each) => report.file === each.path || report.file?.startsWith(`${each.path}/`));
  if (migration?.downs === 'never') return 'derived';
  return item?.status === 'fail' ? 'missing' : 'unknown';
}

async function proveRollbacks(
  request: ApplyCheckRequest,
  migrations: MigrationVerdict[],
  known: PendingMigration[],
): Promise<void> {
  const { rollbackPlan } = await import('../plan/rollback.js');
  for (const migration of migrations) {
    if (migration.rollback === 'missing' || migration.rollback === 'unknown') continue;
    const entry = known.find((each) => migration.path === each.path || migration.path.startsWith(`${each.path}/`));
    const plan = await rollbackPlan({
      projectRoot: request.root,
      migration: entry?.path ?? migration.path,
      ...(request.engine ? { engine: request.engine } : {}),
      rehearse: true,
      executeProjectCode: request.executeProjectCode,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    if (plan.proof.status === 'passed') migration.rollback = 'proven';
    else if (plan.proof.status === 'failed') migration.rollback = 'failed';
  }
}

/** What fails in what was checked: findings at or above the threshold, rollbacks that failed their proof. */
function findingReasons(
  result: SafetyCheckResult<ReportSummary>,
  failOn: FailLevel,
  migrations: MigrationVerdict[],
): string[] {
  const reasons: string[] = [];
  const threshold = FAIL_LEVELS.indexOf(failOn);
  for (const report of result.files) {
    const failing = FAIL_LEVELS.some((level, rank) => rank <= threshold && report.counts[level] > 0);
    if (failing) reasons.push(...report.riskReasons.map((reason) => `${report.file ?? '<input>'}: ${reason}`));
  }
  for (const migration of migrations)
    if (migration.rollback === 'failed') reasons.push(`${migration.path}: up → down → up failed on the shadow`);
  return reasons;
}

function nextStep(
  verdict: 'pass' | 'fail',
  result: SafetyCheckResult<ReportSummary>,
  migrations: MigrationVerdict[],
): string {
  if (result.risk === 'NOT FULLY CHECKED')
    return 'Make every migration readable (fix the syntax error, or pass executeProjectCode: true for code migrations), then check again.';
  if (migrations.some((migration) => migration.rollback === 'failed'))
    return 'Run rollback_plan on the failed migration for the down that works, then check again.';
  if (verdict === 'fail')
    return 'Do not apply. Run validate_safety on these paths for each finding and its fix, rewrite the migration, then check again.';
  const high = result.files.find((report) => report.risk === 'HIGH');
  if (high)
    return `Passes CI, but HIGH risk in ${high.file ?? '<input>'} (${high.riskReasons[0] ?? 'see validate_safety'}): apply only with the user's explicit yes.`;
  if (migrations.some((migration) => migration.rollback === 'missing'))
    return 'Passes CI, but a migration has no down: write one (rollback_plan derives it) before applying.';
  return 'Safe to apply by the CI rules.';
}

function capped(reasons: string[]): string[] {
  if (reasons.length <= MAX_REASONS) return reasons;
  return [
    ...reasons.slice(0, MAX_REASONS),
    `… and ${reasons.length - MAX_REASONS} more (validate_safety lists them all)`,
  ];
}
