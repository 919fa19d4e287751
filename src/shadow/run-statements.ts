import type { Statement } from '../model.js';
import { findValuePlaceholder, placeholderRefusal } from '../safety/fix-placeholder.js';
import { LOCK_STRENGTH, type LockModeName, lockBlocks } from './locks.js';
import { type HeldLock, type RelationState, readLocks, readRelations, readScans } from './observe-postgres.js';
import { mustRunOutsideTransaction } from './statements.js';
import { describeDatabaseError, type ShadowDatabase } from './types.js';

/**
 * Runs a list of statements on a shadow exactly as the migration tool would (one transaction for a transactional
 * migration, CONCURRENTLY included, so it fails there as it will in production; CONCURRENTLY outside any
 * transaction when the tool runs the migration without one; autocommit DDL on MySQL) and observes each statement.
 */

export type Phase = 'up' | 'down' | 'reapply';

export interface LockReport {
  relation: string;
  kind: 'table' | 'index' | 'other';
  mode: LockModeName;
  blocks: string;
  /** `commit` inside the migration's transaction, `end of statement` in autocommit. */
  heldUntil: 'commit' | 'end of statement';
  /** Measured time from this statement's start to the release of the lock (ms). */
  heldForMs: number;
  /** The relation was created in this transaction: invisible to other sessions, so the lock harms nobody. */
  newObject: boolean;
}

export interface StatementReport {
  phase: Phase;
  /** 1-based index within the phase. */
  index: number;
  sql: string;
  location: { file: string; line: number; column: number };
  transaction: 'migration transaction' | 'own transaction' | 'none (autocommit)';
  durationMs: number;
  rowsAffected?: number;
  locks: LockReport[];
  /** Relations whose storage was rewritten (relfilenode changed). */
  rewrites: { relation: string; kind: 'table' | 'index' | 'other' }[];
  /** Tables read in full (sequential scans started by the statement). */
  scans: { relation: string; sequentialScans: number }[];
  error?: { message: string; code?: string; file: string; line: number; column: number; detail?: string };
  notes: string[];
}

export interface PhaseOptions {
  phase: Phase;
  file: string;
  transactional: boolean;
  /**
   * The tool sends the statements as one multi-statement query (golang-migrate, dbmate, Diesel, Prisma): on
   * PostgreSQL they then run as one implicit transaction, CONCURRENTLY included — and fail there, as they will.
   */
  oneQuery?: boolean;
  /** How the migration's tool is told to run a statement outside its transaction (the fix when one fails there). */
  noTransactionFix?: string;
  signal?: AbortSignal;
  onStatement?: (index: number, total: number) => void;
}

export async function runPhase(
  db: ShadowDatabase,
  statements: Statement[],
  options: PhaseOptions,
): Promise<StatementReport[]> {
  const reports: StatementReport[] = [];
  const groups = groupStatements(db, statements, options.transactional, options.oneQuery === true);
  let done = 0;
  for (const group of groups) {
    const groupReports: StatementReport[] = [];
    const inTransaction = group.mode !== 'none (autocommit)';
    if (inTransaction) await db.begin();
    let failed = false;
    try {
      let relations = db.engine === 'postgresql' ? await readRelations(db) : undefined;
      const existing = new Set(relations?.keys() ?? []);
      let held: HeldLock[] = [];
      // PGlite (single-user) keeps counters of earlier transactions pending, so start from what is there now.
      let scansSoFar = relations ? await readScans(db) : new Map<number, number>();
      for (const statement of group.statements) {
        options.signal?.throwIfAborted();
        options.onStatement?.(done++, statements.length);
        const report = await runOne(db, statement, options, group.mode, reports.length + groupReports.length + 1);
        groupReports.push(report);
        if (report.error) {
          if (/inside a transaction block/i.test(report.error.message))
            report.notes.push(
              options.oneQuery
                ? 'the tool sends the whole file as one query, which PostgreSQL runs as one implicit transaction; give this statement a migration file of its own'
                : `the migration tool runs this migration in a transaction, as the rehearsal did, and PostgreSQL refuses this statement there: it fails the same way in production; fix: ${options.noTransactionFix ?? 'run it in a migration of its own outside a transaction'}`,
            );
          failed = true;
          break;
        }
        if (db.engine === 'postgresql' && relations) {
          const observedTransaction = group.mode !== 'none (autocommit)';
          if (observedTransaction) {
            const [locks, after, scans] = [
              await readLocks(db, relations),
              await readRelations(db),
              await readScans(db),
            ];
            report.locks = newLocks(held, locks, existing, group.mode);
            held = locks;
            report.rewrites = rewritesBetween(relations, after);
            // Scans of tables created in this transaction read nothing anyone else can see.
            report.scans = scanDelta(scansSoFar, scans, after, existing);
            scansSoFar = scans;
            relations = after;
          } else {
            report.notes.push(
              'runs outside a transaction (CONCURRENTLY): its locks cannot be read from pg_locks afterwards; PostgreSQL documents SHARE UPDATE EXCLUSIVE for concurrent index builds',
            );
            relations = await readRelations(db);
          }
        }
        if (db.engine === 'mysql') noteMysql(db, report);
      }
      if (inTransaction) {
        if (failed) await db.rollback();
        else await db.commit();
      }
    } catch (error) {
      // After a cancellation the statement may still run; the shadow is dropped instead of waiting for it.
      if (inTransaction && !options.signal?.aborted) await db.rollback().catch(() => undefined);
      throw error;
    }
    settleHoldTimes(groupReports, group.mode);
    reports.push(...groupReports);
    if (failed) break;
  }
  return reports;
}

interface Group {
  mode: StatementReport['transaction'];
  statements: Statement[];
}

/**
 * A SQLite migration that opens its own transaction (a table rebuild with foreign keys switched off around it, a
 * Sqitch script's BEGIN … COMMIT) runs as written: SQLite refuses a transaction inside another one, and wrapping
 * would make the PRAGMA a no-op.
 */
export function opensOwnTransaction(db: ShadowDatabase, statements: { sql: string }[]): boolean {
  return db.engine === 'sqlite' && statements.some((statement) => /^\s*begin\b/i.test(statement.sql));
}

function groupStatements(
  db: ShadowDatabase,
  statements: Statement[],
  transactional: boolean,
  oneQuery: boolean,
): Group[] {
  if (!db.transactionalDdl)
    return statements.map((statement) => ({ mode: 'none (autocommit)', statements: [statement] }));
  if (oneQuery && db.engine === 'postgresql' && statements.length > 1)
    return [{ mode: 'migration transaction', statements }];
  if (opensOwnTransaction(db, statements))
    return statements.map((statement) => ({ mode: 'none (autocommit)', statements: [statement] }));
  const groups: Group[] = [];
  for (const statement of statements) {
    // A migration the tool wraps in a transaction runs CONCURRENTLY inside it too (and fails, as in production);
    // only a migration the tool runs without one gets such statements outside any transaction.
    if (!transactional && mustRunOutsideTransaction(statement, db.engine)) {
      groups.push({ mode: 'none (autocommit)', statements: [statement] });
      continue;
    }
    const last = groups[groups.length - 1];
    if (transactional && last?.mode === 'migration transaction') last.statements.push(statement);
    else groups.push({ mode: transactional ? 'migration transaction' : 'own transaction', statements: [statement] });
  }
  return groups;
}

async function runOne(
  db: ShadowDatabase,
  statement: Statement,
  options: PhaseOptions,
  mode: StatementReport['transaction'],
  index: number,
): Promise<StatementReport> {
  const location = {
    file: options.file,
    line: statement.origin?.line ?? statement.span.start.line,
    column: statement.origin?.column ?? statement.span.start.column,
  };
  const report: StatementReport = {
    phase: options.phase,
    index,
    sql: statement.sql.length > 400 ? `${statement.sql.slice(0, 397)}...` : statement.sql,
    location: statement.origin ? { ...location, file: statement.origin.file } : location,
    transaction: mode,
    durationMs: 0,
    locks: [],
    rewrites: [],
    scans: [],
    notes: [],
  };
  const placeholder = findValuePlaceholder(statement.sql);
  if (placeholder) {
    // A fix's value placeholder pasted into a migration: refused here, before the database sees it.
    const at = errorLocation(statement, placeholder.offset + 1, '');
    report.error = {
      message: placeholderRefusal(placeholder.placeholder),
      code: 'fix-placeholder',
      file: report.location.file,
      line: statement.origin ? report.location.line : at.line,
      column: statement.origin ? report.location.column : at.column,
    };
    return report;
  }
  const started = performance.now();
  try {
    const result = await abortable(db.exec(statement.sql), options.signal);
    report.durationMs = round(performance.now() - started);
    if (result.rowsAffected !== undefined) report.rowsAffected = result.rowsAffected;
  } catch (error) {
    if (options.signal?.aborted) throw error;
    report.durationMs = round(performance.now() - started);
    const info = describeDatabaseError(error);
    const at = errorLocation(statement, info.position, info.message);
    report.error = {
      message: info.message,
      ...(info.code ? { code: info.code } : {}),
      file: report.location.file,
      line: statement.origin ? report.location.line : at.line,
      column: statement.origin ? report.location.column : at.column,
      ...(info.detail ? { detail: info.detail } : {}),
    };
  }
  return report;
}

/** Maps a 1-based character position inside the statement (or MySQL's "at line N") to file line:column. */
function errorLocation(
  statement: Statement,
  position: number | undefined,
  message: string,
): { line: number; column: number } {
  const start = statement.span.start;
  const mysqlLine = /at line (\d+)\s*$/.exec(message);
  if (position === undefined && mysqlLine) return { line: start.line + Number(mysqlLine[1]) - 1, column: 1 };
  if (position === undefined) return start;
  const before = statement.sql.slice(0, position - 1);
  const newlines = before.split('\n');
  if (newlines.length === 1) return { line: start.line, column: start.column + before.length };
  return { line: start.line + newlines.length - 1, column: (newlines[newlines.length - 1]?.length ?? 0) + 1 };
}

function newLocks(
  before: HeldLock[],
  after: HeldLock[],
  existing: Set<number>,
  mode: StatementReport['transaction'],
): LockReport[] {
  // Per relation, the strongest lock now held, reported when it is stronger than what was held before
  // the statement. Index locks of ordinary reads and writes (ACCESS SHARE … ROW EXCLUSIVE) are noise and left out.
  const strongestBefore = new Map<number, number>();
  for (const lock of before)
    strongestBefore.set(lock.oid, Math.max(strongestBefore.get(lock.oid) ?? 0, LOCK_STRENGTH[lock.mode]));
  const strongestAfter = new Map<number, HeldLock>();
  for (const lock of after) {
    const current = strongestAfter.get(lock.oid);
    if (!current || LOCK_STRENGTH[lock.mode] > LOCK_STRENGTH[current.mode]) strongestAfter.set(lock.oid, lock);
  }
  return [...strongestAfter.values()]
    .filter((lock) => LOCK_STRENGTH[lock.mode] > (strongestBefore.get(lock.oid) ?? 0))
    .filter((lock) => !(lock.kind === 'index' && LOCK_STRENGTH[lock.mode] <= LOCK_STRENGTH['ROW EXCLUSIVE']))
    .sort((a, b) => LOCK_STRENGTH[b.mode] - LOCK_STRENGTH[a.mode] || a.relation.localeCompare(b.relation))
    .map((lock) => ({
      relation: lock.relation,
      kind: lock.kind,
      mode: lock.mode,
      blocks: lockBlocks(lock.mode),
      heldUntil: mode === 'migration transaction' ? 'commit' : 'end of statement',
      heldForMs: 0,
      newObject: !existing.has(lock.oid),
    }));
}

function rewritesBetween(
  before: Map<number, RelationState>,
  after: Map<number, RelationState>,
): StatementReport['rewrites'] {
  const rewrites: StatementReport['rewrites'] = [];
  for (const [oid, state] of after) {
    const previous = before.get(oid);
    if (previous && previous.relfilenode !== state.relfilenode)
      rewrites.push({ relation: state.name, kind: state.kind });
  }
  return rewrites;
}

function scanDelta(
  before: Map<number, number>,
  after: Map<number, number>,
  relations: Map<number, RelationState>,
  existing: Set<number>,
): StatementReport['scans'] {
  const delta: StatementReport['scans'] = [];
  for (const [oid, count] of after) {
    const previous = before.get(oid) ?? 0;
    const state = relations.get(oid);
    if (count > previous && state && existing.has(oid))
      delta.push({ relation: state.name, sequentialScans: count - previous });
  }
  return delta;
}

function settleHoldTimes(reports: StatementReport[], mode: StatementReport['transaction']): void {
  for (const [position, report] of reports.entries()) {
    const heldFor =
      mode === 'migration transaction'
        ? reports.slice(position).reduce((sum, item) => sum + item.durationMs, 0)
        : report.durationMs;
    for (const lock of report.locks) lock.heldForMs = round(heldFor);
  }
}

function noteMysql(db: ShadowDatabase, report: StatementReport): void {
  const info = (db as { lastInfo?: { affectedRows: number; info: string } }).lastInfo;
  if (/^\s*alter\s+table\b/i.test(report.sql) && info && info.affectedRows > 0) {
    report.rewrites.push({ relation: '(altered table)', kind: 'table' });
    report.notes.push(
      `the server copied ${info.affectedRows} rows (ALGORITHM=COPY: the table is rebuilt and writes are blocked meanwhile)`,
    );
  }
  report.notes.push('DDL commits implicitly on MySQL/MariaDB: this statement cannot be rolled back');
}

async function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason ?? new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    work.catch(() => undefined);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
