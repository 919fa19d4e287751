import type { ServerVersion } from '../generate/ddl.js';
import type { Migration } from '../model.js';
import { estimateSeconds } from '../safety/estimate.js';
import type { RehearsalReport } from '../shadow/rehearse.js';
import type { TimelineEntry, TimelinePhase } from './migration-plan-types.js';
import { round, shortSql } from './timeline.js';
import {
  createdTable,
  mysqlStatementLock,
  observedCopy,
  type StatementLock,
  sqliteStatementLock,
} from './timeline-statement-locks.js';

/**
 * The lock timeline of a MySQL/MariaDB or SQLite migration: what each statement blocks comes from its SQL (and,
 * on MySQL, the copy the server reported); how long from the rehearsal's measured durations, stretched to the
 * production row counts given — or, without a rehearsal, from those row counts alone.
 */

export interface EngineTimelineRequest {
  engine: 'mysql' | 'sqlite';
  version?: ServerVersion;
  migration: Migration;
  report?: RehearsalReport;
  phase: TimelinePhase;
  offsetMs: number;
  rowCounts?: Record<string, number>;
  lockTimeoutMs: number;
}

interface Step {
  index: number;
  sql: string;
  location: string;
  /** Measured on the shadow; undefined when not rehearsed. */
  measuredMs?: number;
  notes: string[];
}

export function engineEntries(request: EngineTimelineRequest): { entries: TimelineEntry[]; endMs: number } {
  const steps = stepsOf(request);
  const planned = steps.map((step) => {
    const read =
      request.engine === 'mysql' ? mysqlStatementLock(step.sql, request.version) : sqliteStatementLock(step.sql);
    const lock = read && request.engine === 'mysql' ? observedCopy(read, step.notes) : read;
    return { step, lock, ...duration(step, lock, request) };
  });
  // SQLite keeps the database's write lock from a transaction's first write to its commit.
  const untilCommit = request.engine === 'sqlite' && request.migration.transactional;
  const total = planned.reduce((sum, item) => sum + item.ms, 0);
  const entries: TimelineEntry[] = [];
  const created = new Set(steps.map((step) => createdTable(step.sql)).filter((table) => table !== undefined));
  let clock = request.offsetMs;
  for (const { step, lock, ms, estimated } of planned) {
    if (lock && !created.has(lock.table)) {
      const held = untilCommit ? request.offsetMs + total - clock : ms;
      entries.push({
        phase: request.phase,
        migration: request.migration.id,
        statement: step.index,
        location: step.location,
        sql: shortSql(step.sql),
        table: lock.table,
        mode: lock.mode,
        blocks: lock.blocks,
        startMs: round(clock),
        durationMs: round(held),
        source: estimated || step.measuredMs === undefined ? 'estimated' : 'rehearsed',
        ...(step.measuredMs !== undefined && !untilCommit && !estimated ? { rehearsedMs: round(step.measuredMs) } : {}),
        heldUntil: untilCommit ? 'commit' : 'end of statement',
        exceedsLockTimeout: lock.blocks !== 'schema changes' && held > request.lockTimeoutMs,
      });
    }
    clock += ms;
  }
  return { entries, endMs: round(clock) };
}

function stepsOf(request: EngineTimelineRequest): Step[] {
  if (request.report)
    return request.report.steps
      .filter((step) => step.phase === request.phase && !step.error)
      .map((step) => ({
        index: step.index,
        sql: step.sql,
        location: `${step.location.file}:${step.location.line}:${step.location.column}`,
        measuredMs: step.durationMs,
        notes: step.notes,
      }));
  if (request.phase === 'down') return [];
  return request.migration.up.map((statement, position) => ({
    index: position + 1,
    sql: statement.sql,
    location: `${request.migration.path}:${statement.span.start.line}:${statement.span.start.column}`,
    notes: [],
  }));
}

/**
 * The statement's time: measured, and stretched to the production rows when its work grows with the table. A
 * rehearsal on few rows measures mostly fixed costs, so the rate comes from it only when it had at least
 * MEASURABLE_ROWS of the table; else from the rule-of-thumb rate for that work (safety/estimate.ts).
 */
function duration(
  step: Step,
  lock: StatementLock | undefined,
  request: EngineTimelineRequest,
): { ms: number; estimated: boolean } {
  const measured = step.measuredMs ?? 0;
  const rows = lock ? request.rowCounts?.[lock.table] : undefined;
  if (!lock || lock.work === 'metadata' || rows === undefined) return { ms: measured, estimated: false };
  const synthetic = request.report?.baseline.tables.find((table) => table.table === lock.table)?.rows ?? 0;
  const scaled =
    step.measuredMs !== undefined && synthetic >= MEASURABLE_ROWS
      ? (measured * rows) / synthetic
      : estimateSeconds(lock.work, rows) * 1000;
  return scaled > measured ? { ms: scaled, estimated: true } : { ms: measured, estimated: false };
}

const MEASURABLE_ROWS = 10_000;
