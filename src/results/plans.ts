import type { Trimmable } from './cap.js';

/**
 * Per tool, the arrays of its answer that may lose items when the answer is over budget, and how much each item
 * matters (0 = most; items of one tool compete for the same room). What no plan names is cut only as a last
 * resort, from the tail of the largest array. A tool without a plan (a new one) gets that last resort alone.
 */

type Item = Record<string, unknown>;
const field = (item: unknown, key: string): unknown => (item as Item | null)?.[key];
const fixed = (rank: number) => () => rank;
const bySeverity = (item: unknown) => ({ error: 1, warning: 2, info: 5 })[String(field(item, 'severity'))] ?? 5;
const bySafety = (item: unknown) => ({ dangerous: 1, careful: 2, safe: 4 })[String(field(item, 'safety'))] ?? 4;

/**
 * A lock summary of validate_safety, after the findings of errors and warnings (they carry the fix): a blocking lock
 * held over a rewrite, a scan or an estimated time first.
 */
function lockSummaryRank(item: unknown): number {
  const locks = (field(item, 'locks') as Item[] | undefined) ?? [];
  return locks.some((lock) => lock.rewrite || lock.scan || Number(lock.estimatedLockSeconds ?? 0) > 0) ? 3 : 4;
}

/** A rehearsal step: a failed one first, then one locking or rewriting an existing table, then up, then the rest. */
function stepRank(item: unknown): number {
  if (field(item, 'error')) return 0;
  const locks = (field(item, 'locks') as Item[] | undefined) ?? [];
  const rewrites = (field(item, 'rewrites') as unknown[] | undefined) ?? [];
  if (rewrites.length > 0 || locks.some((lock) => !lock.newObject)) return 2;
  return field(item, 'phase') === 'up' ? 4 : 5;
}

export const TRIM_PLANS: Readonly<Record<string, readonly Trimmable[]>> = {
  detect_setup: [
    { path: 'ambiguities', rank: fixed(0) },
    { path: 'warnings', rank: fixed(1) },
    { path: 'packages', rank: fixed(2) },
  ],
  list_migrations: [
    { path: 'errors', rank: fixed(0) },
    { path: 'unread', rank: fixed(1) },
    { path: 'folders', rank: fixed(2) },
    { path: 'migrations', rank: fixed(3) },
    { path: 'warnings', rank: fixed(4) },
    { path: 'notes', rank: fixed(5) },
  ],
  diff_schema: [
    { path: 'questions', rank: fixed(0) },
    { path: 'operations', rank: bySafety },
    { path: 'notes', rank: fixed(5) },
  ],
  generate_migration: [
    { path: 'withheld', rank: fixed(0) },
    { path: 'validation', rank: fixed(1) },
    { path: 'rehearsal', rank: fixed(1) },
    { path: 'drafts', rank: fixed(2) },
    { path: 'files', rank: fixed(3) },
    { path: 'notes', rank: fixed(4) },
  ],
  validate_safety: [
    { path: 'errors', rank: fixed(0) },
    { path: 'unchecked', rank: fixed(0) },
    { path: 'files.*.findings', rank: bySeverity },
    { path: 'files.*.locks', rank: lockSummaryRank },
    { path: 'files.*.riskReasons', rank: fixed(1) },
    { path: 'files.*.checklist.*.evidence', rank: fixed(6) },
    { path: 'files.*.suppressed', rank: fixed(7) },
    { path: 'notes', rank: fixed(6) },
  ],
  rehearse_migration: [
    { path: 'steps', rank: stepRank },
    { path: 'estimates', rank: (item) => (field(item, 'exceedsLockTimeout') ? 1 : 3) },
    { path: 'data.destroyed', rank: fixed(1) },
    { path: 'data.changed', rank: fixed(3) },
    { path: 'data.preserved', rank: fixed(6) },
    { path: 'roundTrip.downDifference', rank: fixed(1) },
    { path: 'roundTrip.reapplyDifference', rank: fixed(1) },
    { path: 'baseline.tables', rank: fixed(6) },
    { path: 'engineNotes', rank: fixed(5) },
    { path: 'notes', rank: fixed(5) },
  ],
  rollback_plan: [
    { path: 'pointsOfNoReturn', rank: fixed(0) },
    { path: 'lost', rank: fixed(1) },
    { path: 'caveats', rank: fixed(1) },
    { path: 'evidence', rank: fixed(2) },
    { path: 'findings', rank: fixed(2) },
    { path: 'manual.steps', rank: fixed(2) },
    { path: 'manual.verify', rank: fixed(3) },
    { path: 'down.statements', rank: fixed(3) },
    { path: 'notes', rank: fixed(4) },
  ],
  generate_seed: [
    { path: 'tables', rank: fixed(2) },
    { path: 'files', rank: fixed(3) },
    { path: 'hints', rank: fixed(4) },
    { path: 'notes', rank: fixed(4) },
  ],
  migration_plan: [
    { path: 'riskReasons', rank: fixed(0) },
    { path: 'rollback', rank: fixed(1) },
    { path: 'checklist', rank: fixed(1) },
    { path: 'deployment', rank: fixed(1) },
    { path: 'changes', rank: fixed(2) },
    { path: 'migrations', rank: fixed(3) },
    { path: 'timeline.entries', rank: fixed(3) },
    { path: 'rehearsals', rank: fixed(3) },
    { path: 'notes', rank: fixed(4) },
  ],
  migration_status: [{ path: 'environments', rank: fixed(1) }],
};
