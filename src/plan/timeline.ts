import type { StatementSummary } from '../safety/report.js';
import type { RehearsalReport } from '../shadow/rehearse.js';
import type { StatementReport } from '../shadow/run-statements.js';
import type { Blocked, LockTimeline, TimelineEntry, TimelinePhase } from './migration-plan-types.js';

/**
 * The lock timeline: per statement and phase, which table is blocked for reads or writes, from when and for how
 * long. From a rehearsal the statements start one after the other with their measured durations and each lock is
 * held as long as the shadow held it; where production row counts are known the rehearsal's scale estimate
 * stretches the statement that scans or rewrites the table, and every lock held across it until commit.
 * Without a rehearsal the safety report's lock map and its table-size estimates stand in.
 */

/** Modes that let reads through but block writes (PostgreSQL); anything stronger blocks reads too. */
const WRITE_BLOCKING = new Set(['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE']);

export function blockedBy(mode: string): Blocked {
  if (mode === 'ACCESS EXCLUSIVE') return 'reads and writes';
  if (WRITE_BLOCKING.has(mode)) return 'writes';
  return 'schema changes';
}

/**
 * Locks the safety report's lock map gives each statement of the up, by 1-based statement index (the check reads
 * the same statements in the same order; lines differ for code migrations, whose steps carry the source line).
 */
export type DeclaredLocks = Map<number, { table: string; mode: string }[]>;

export function declaredLocks(statements: StatementSummary[]): DeclaredLocks {
  const locks: DeclaredLocks = new Map();
  for (const statement of statements)
    locks.set(
      statement.index + 1,
      statement.locks.map((lock) => ({ table: lock.table, mode: lock.mode })),
    );
  return locks;
}

/** Timeline entries of one rehearsed migration, phase `up` or `down`, starting at `offsetMs`. */
export function rehearsedEntries(
  report: RehearsalReport,
  migration: string,
  phase: TimelinePhase,
  offsetMs: number,
  declared: DeclaredLocks = new Map(),
): { entries: TimelineEntry[]; endMs: number } {
  const steps = report.steps.filter((step) => step.phase === phase);
  const scaled = phase === 'up' ? scaledDurations(report, steps) : steps.map((step) => step.durationMs);
  const starts: number[] = [];
  let clock = offsetMs;
  for (const duration of scaled) {
    starts.push(clock);
    clock += duration;
  }
  const entries: TimelineEntry[] = [];
  // Relations this phase creates: nobody else uses them yet, whatever lock the lock map names for them.
  const created = new Set(
    steps.flatMap((step) => step.locks.filter((lock) => lock.newObject).map((lock) => lock.relation)),
  );
  for (const [position, step] of steps.entries()) {
    const start = starts[position] ?? offsetMs;
    const groupEnd = transactionEnd(steps, position, starts, scaled);
    const stretched = scaled[position] !== step.durationMs || groupEnd.stretched;
    const held = step.locks.filter((lock) => !lock.newObject && lock.kind !== 'index');
    // A lock the transaction already holds at least as strongly is not taken again, so the shadow shows none for
    // this statement; the lock map says what the statement itself needs, for as long as the transaction lasts.
    for (const lock of phase === 'up' ? (declared.get(step.index) ?? []) : []) {
      if (created.has(lock.table) || held.some((known) => known.relation === lock.table)) continue;
      const heldUntil = step.transaction === 'migration transaction' ? 'commit' : 'end of statement';
      const durationMs = heldUntil === 'commit' ? groupEnd.endMs - start : (scaled[position] ?? step.durationMs);
      entries.push({
        phase,
        migration,
        statement: step.index,
        location: `${step.location.file}:${step.location.line}:${step.location.column}`,
        sql: shortSql(step.sql),
        table: lock.table,
        mode: lock.mode,
        blocks: blockedBy(lock.mode),
        startMs: round(start),
        durationMs: round(Math.max(0, durationMs)),
        source: stretched ? 'estimated' : 'rehearsed',
        heldUntil,
        exceedsLockTimeout: false,
      });
    }
    for (const lock of held) {
      // A relation created in the same transaction is invisible to everyone else: its lock harms nobody.
      const durationMs = stretched
        ? lock.heldUntil === 'commit'
          ? groupEnd.endMs - start
          : (scaled[position] ?? step.durationMs)
        : lock.heldForMs;
      entries.push({
        phase,
        migration,
        statement: step.index,
        location: `${step.location.file}:${step.location.line}:${step.location.column}`,
        sql: shortSql(step.sql),
        table: lock.relation,
        mode: lock.mode,
        blocks: blockedBy(lock.mode),
        startMs: round(start),
        durationMs: round(Math.max(0, durationMs)),
        source: stretched ? 'estimated' : 'rehearsed',
        rehearsedMs: round(lock.heldForMs),
        heldUntil: lock.heldUntil,
        exceedsLockTimeout: false,
      });
    }
  }
  for (const entry of entries)
    entry.exceedsLockTimeout = entry.blocks !== 'schema changes' && entry.durationMs > report.lockTimeoutMs;
  return { entries, endMs: round(clock) };
}

/** Each step's duration, with the scale estimate's time for a step that scans or rewrites a big table. */
function scaledDurations(report: RehearsalReport, steps: StatementReport[]): number[] {
  return steps.map((step) => {
    const estimates = report.estimates.filter((estimate) => estimate.statement === step.index);
    return Math.max(step.durationMs, ...estimates.map((estimate) => estimate.estimatedMs));
  });
}

/** Where the transaction holding `position` ends: consecutive steps of the migration's one transaction end together. */
function transactionEnd(
  steps: StatementReport[],
  position: number,
  starts: number[],
  durations: number[],
): { endMs: number; stretched: boolean } {
  const step = steps[position];
  let last = position;
  if (step?.transaction === 'migration transaction')
    while (steps[last + 1]?.transaction === 'migration transaction') last++;
  let stretched = false;
  for (let index = position; index <= last; index++)
    if (durations[index] !== steps[index]?.durationMs) stretched = true;
  return { endMs: (starts[last] ?? 0) + (durations[last] ?? 0), stretched };
}

/**
 * Timeline entries from the safety report alone (no rehearsal): each statement's locks on existing tables, one
 * after the other, each as long as the table-size estimate says (0 when the table's size is unknown).
 */
export function estimatedEntries(
  statements: StatementSummary[],
  migration: string,
  file: string,
  offsetMs: number,
  lockTimeoutMs: number,
): { entries: TimelineEntry[]; endMs: number } {
  const entries: TimelineEntry[] = [];
  let clock = offsetMs;
  for (const statement of statements) {
    const seconds = Math.max(0, ...statement.locks.map((lock) => lock.estimatedLockSeconds ?? 0));
    for (const lock of statement.locks) {
      const blocks = blockedBy(lock.mode);
      const durationMs = round((lock.estimatedLockSeconds ?? 0) * 1000);
      entries.push({
        phase: 'up',
        migration,
        statement: statement.index + 1,
        location: `${file}:${statement.span.start.line}:${statement.span.start.column}`,
        sql: shortSql(statement.text),
        table: lock.table,
        mode: lock.mode,
        blocks,
        startMs: round(clock),
        durationMs,
        source: 'estimated',
        heldUntil: statement.inTransaction ? 'commit' : 'end of statement',
        exceedsLockTimeout: blocks !== 'schema changes' && durationMs > lockTimeoutMs,
      });
    }
    clock += seconds * 1000;
  }
  return { entries, endMs: round(clock) };
}

export function timelineOf(
  entries: TimelineEntry[],
  lockTimeoutMs: number,
  totalMs: number,
  basis: string,
): LockTimeline {
  return { lockTimeoutMs, totalMs: round(totalMs), entries, basis };
}

/** Per table, the longest time it is blocked for reads or writes in the up phase. */
export function longestBlocks(timeline: LockTimeline): Map<string, { ms: number; blocks: Blocked }> {
  const longest = new Map<string, { ms: number; blocks: Blocked }>();
  for (const entry of timeline.entries) {
    if (entry.phase !== 'up' || entry.blocks === 'schema changes') continue;
    const known = longest.get(entry.table);
    if (!known || entry.durationMs > known.ms) longest.set(entry.table, { ms: entry.durationMs, blocks: entry.blocks });
  }
  return longest;
}

export function shortSql(sql: string): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
