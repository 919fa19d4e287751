import { blocksWrites, LOCK_STRENGTH, type LockModeName } from './locks.js';
import type { StatementReport } from './run-statements.js';

/**
 * Extrapolates how long each rewrite or full scan would hold its lock at production row counts, from the rate
 * measured on the synthetic rows (linear in rows — a rough lower bound: real rows are wider and disks slower).
 */

export interface ScaleEstimate {
  statement: number;
  location: string;
  table: string;
  work: 'rewrite' | 'scan';
  lock?: LockModeName;
  syntheticRows: number;
  measuredMs: number;
  rowsPerSecond: number;
  targetRows: number;
  rowCountSource: 'input' | 'target statistics';
  estimatedMs: number;
  exceedsLockTimeout: boolean;
  advice?: string;
}

export function estimateAtScale(options: {
  steps: StatementReport[];
  syntheticRows: Map<string, number>;
  rowCounts: Map<string, { rows: number; source: ScaleEstimate['rowCountSource'] }>;
  lockTimeoutMs: number;
}): ScaleEstimate[] {
  const estimates: ScaleEstimate[] = [];
  for (const step of options.steps) {
    if (step.phase !== 'up' || step.error) continue;
    const work = new Map<string, ScaleEstimate['work']>();
    for (const scan of step.scans) work.set(scan.relation, 'scan');
    for (const rewrite of step.rewrites) if (rewrite.kind === 'table') work.set(rewrite.relation, 'rewrite');
    for (const [table, kind] of work) {
      const synthetic = options.syntheticRows.get(table) ?? 0;
      const target = options.rowCounts.get(table);
      if (synthetic <= 0 || !target) continue;
      const lock = strongestLock(options.steps, step, table);
      const estimatedMs = Math.round((step.durationMs * target.rows) / synthetic);
      const exceeds = lock !== undefined && blocksWrites(lock) && estimatedMs > options.lockTimeoutMs;
      const estimate: ScaleEstimate = {
        statement: step.index,
        location: `${step.location.file}:${step.location.line}:${step.location.column}`,
        table,
        work: kind,
        ...(lock ? { lock } : {}),
        syntheticRows: synthetic,
        measuredMs: step.durationMs,
        rowsPerSecond: step.durationMs > 0 ? Math.round((synthetic * 1000) / step.durationMs) : synthetic * 1000,
        targetRows: target.rows,
        rowCountSource: target.source,
        estimatedMs,
        exceedsLockTimeout: exceeds,
      };
      if (exceeds && lock) estimate.advice = adviceFor(kind, lock, step, estimatedMs, options.lockTimeoutMs);
      estimates.push(estimate);
    }
  }
  return estimates;
}

/** The strongest lock on the table while the statement runs: its own, or one taken earlier in the same transaction. */
function strongestLock(steps: StatementReport[], step: StatementReport, table: string): LockModeName | undefined {
  let best: LockModeName | undefined;
  for (const earlier of steps) {
    if (earlier.phase !== step.phase || earlier.index > step.index) continue;
    const sameTransaction =
      earlier === step ||
      (earlier.transaction === 'migration transaction' && step.transaction === 'migration transaction');
    if (!sameTransaction) continue;
    for (const lock of earlier.locks) {
      if (lock.relation !== table || lock.newObject) continue;
      if (!best || LOCK_STRENGTH[lock.mode] > LOCK_STRENGTH[best]) best = lock.mode;
    }
  }
  return best;
}

function adviceFor(
  kind: ScaleEstimate['work'],
  lock: LockModeName,
  step: StatementReport,
  ms: number,
  timeout: number,
): string {
  const seconds = (ms / 1000).toFixed(1);
  const ownLock = step.locks.some((item) => item.mode === lock && !item.newObject);
  const origin = ownLock
    ? ''
    : ' (taken by an earlier statement of the same transaction — consider splitting the migration)';
  const head = `${lock} would be held about ${seconds} s${origin}, beyond lock_timeout ${timeout / 1000} s: traffic that needs the table queues behind it for that long.`;
  const createsIndex = step.locks.some((item) => item.kind === 'index' && item.newObject);
  if (createsIndex)
    return `${head} Build the index with CREATE INDEX CONCURRENTLY in a migration that does not run in a transaction.`;
  if (kind === 'rewrite')
    return `${head} Avoid the rewrite: add the column without a volatile default (or nullable), backfill in batches, then add the default/constraint; for type changes, add a new column and dual-write.`;
  if (lock === 'SHARE ROW EXCLUSIVE')
    return `${head} Add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a separate step (SHARE UPDATE EXCLUSIVE, writes continue).`;
  return `${head} If the scan validates a constraint: add it NOT VALID (for NOT NULL, a CHECK (col IS NOT NULL) NOT VALID), VALIDATE CONSTRAINT in a separate step, then SET NOT NULL (PostgreSQL 12+ skips the scan); set lock_timeout before the ALTER.`;
}
