import type { MysqlAlterLock } from '../engines/mysql/safety/algorithms.js';
import type { Span } from '../model.js';
import { foreignKeyLookupIndexed, type MigrationCatalog } from './catalog.js';
import { describeDuration, formatCount, ROWS_PER_SECOND } from './estimate.js';
import type { MigrationFacts, StatementRef } from './facts.js';
import { blocksTraffic } from './locks.js';
import { displayTable } from './names.js';
import type { NotFullyChecked } from './partial-parse.js';
import type { SafetyEngineName } from './safety-engine.js';
import { type Finding, type PgLockMode, SEVERITY_RANK, type Severity } from './types.js';

/**
 * The validation report: findings, the per-statement lock summary, the migration's risk and the seed's safety
 * checklist answered item by item with evidence. Pure data; formats (text, JSON, SARIF, …) live in format.ts.
 */

export type Risk = 'LOW' | 'MEDIUM' | 'HIGH';
export type CheckStatus = 'pass' | 'fail' | 'unknown';

export interface LockEntry {
  table: string;
  mode: PgLockMode;
  on: string;
  blocks: string;
  rewrite: boolean;
  scan: boolean;
  /** 'lock-map': PostgreSQL's lock table for the statement; 'rule': claimed by a rule's finding. */
  source: 'lock-map' | 'rule';
  ruleId?: string;
  /** A rule claims a different mode than the lock map for the same table. */
  ruleClaim?: { ruleId: string; mode: PgLockMode };
  rows?: number;
  estimatedLockSeconds?: number;
}

/** A MySQL/MariaDB statement's lock: the ALGORITHM and LOCK it can run with, as the clause that pins them. */
export interface AlgorithmLockEntry extends Omit<LockEntry, 'mode' | 'source' | 'ruleClaim'> {
  mode: MysqlAlterLock;
  source: 'rule';
  /** The server version is not known: the server lines this entry is for. */
  servers?: string;
}

export function isAlgorithmLock(lock: LockEntry | AlgorithmLockEntry): lock is AlgorithmLockEntry {
  return lock.mode.startsWith('ALGORITHM=');
}

/** Whether the lock keeps other sessions from writing (PostgreSQL SHARE and up; MySQL LOCK=SHARED). */
export function lockBlocksTraffic(lock: LockEntry | AlgorithmLockEntry): boolean {
  return isAlgorithmLock(lock) ? lock.mode.endsWith('LOCK=SHARED') : blocksTraffic(lock.mode);
}

export interface StatementSummary<Lock extends LockEntry | AlgorithmLockEntry = LockEntry | AlgorithmLockEntry> {
  index: number;
  kind: string;
  span: Span;
  /** First line of the statement. */
  text: string;
  inTransaction: boolean;
  locks: Lock[];
  findings: number;
}

export interface SuppressedFinding {
  ruleId: string;
  statementIndex: number;
  line: number;
  reason: string;
}

export interface ChecklistItem {
  id:
    | 'no-data-loss'
    | 'backward-compatible'
    | 'no-long-locks'
    | 'foreign-key-indexes'
    | 'foreign-keys-reference-existing-tables'
    | 'idempotent'
    | 'rollback-present';
  title: string;
  status: CheckStatus;
  evidence: string[];
}

export interface ValidationReport {
  engine: SafetyEngineName;
  file?: string;
  pgVersion: number;
  assumeInTransaction: boolean;
  largeTableRows: number;
  statementCount: number;
  risk: Risk;
  riskReasons: string[];
  counts: Record<Severity, number>;
  findings: Finding[];
  /** Findings silenced by `-- dma-ignore` comments, with the reason written there. */
  suppressed: SuppressedFinding[];
  /** Statements that take a lock on a table that existed before their transaction. */
  locks: StatementSummary[];
  checklist: ChecklistItem[];
  /** Rules that threw (a bug in the rule); the other rules still ran. */
  ruleErrors: string[];
  /**
   * The file could not be parsed to its end: the statements before `line` were checked, the rest was not, so
   * the migration's risk is "not fully checked" whatever these findings say.
   */
  notFullyChecked?: NotFullyChecked;
}

/**
 * What the risk and the checklist read of a finding; a whole Finding is one. A report streamed as it is checked
 * (a huge migration written straight to the output) keeps only these few fields of each finding.
 */
export type FindingDigest = Pick<Finding, 'ruleId' | 'title' | 'severity' | 'category' | 'breaksOldCode'> & {
  span: { start: { line: number } };
};

/** Whether risk or checklist can cite the finding (info findings only count, unless destructive or breaking). */
export function citable(finding: FindingDigest): boolean {
  return finding.severity !== 'info' || finding.category === 'dangerous' || finding.breaksOldCode;
}

/** A blocking lock on a table at or over the large-table threshold, held for an estimated time. */
interface LongLock {
  line: number;
  mode: PgLockMode | MysqlAlterLock;
  table: string;
  rows: number;
  seconds: number;
}

/** A blocking lock that scans or rewrites a table whose size is not known. */
interface UnsizedLock {
  line: number;
  mode: PgLockMode | MysqlAlterLock;
  table: string;
  rewrite: boolean;
}

/**
 * What risk and checklist need of the lock summaries, gathered statement by statement (addLocks), so a huge
 * migration's summaries can be written out instead of kept.
 */
export interface LockFacts {
  /** How many locks block reads or writes of a table that existed. */
  blocking: number;
  long: LongLock[];
  unsized: UnsizedLock[];
}

export function emptyLockFacts(): LockFacts {
  return { blocking: 0, long: [], unsized: [] };
}

/** Adds one statement's lock summary (in statement order). */
export function addLocks(facts: LockFacts, summary: Pick<StatementSummary, 'span' | 'locks'>, largeTableRows: number) {
  const line = summary.span.start.line;
  for (const lock of summary.locks) {
    if (!lockBlocksTraffic(lock)) continue;
    facts.blocking++;
    const seconds = lock.estimatedLockSeconds ?? 0;
    if ((lock.rows ?? 0) >= largeTableRows && seconds > 0)
      facts.long.push({ line, mode: lock.mode, table: lock.table, rows: lock.rows ?? 0, seconds });
    else if (lock.rows === undefined && (lock.scan || lock.rewrite))
      facts.unsized.push({ line, mode: lock.mode, table: lock.table, rewrite: lock.rewrite });
  }
}

/** A report without its findings and lock summaries (which a streamed report has already written). */
export type ReportSummary = Omit<ValidationReport, 'findings' | 'locks'>;

export interface ReportInput {
  statementCount: number;
  counts: Record<Severity, number>;
  /** The citable findings (see citable), in report order (see sortFindings). */
  findings: FindingDigest[];
  suppressed: SuppressedFinding[];
  locks: LockFacts;
  facts: MigrationFacts;
  ruleErrors: string[];
  allInTransaction: boolean;
  catalog: MigrationCatalog;
  options: {
    file?: string;
    /** How evidence names a statement's line (default `line 12`); SQL compiled from code names its source. */
    lineLabel?: (line: number) => string;
    pgVersion?: number;
    assumeInTransaction?: boolean;
    largeTableRows?: number;
    /** The engine the rules were written for (default postgresql). */
    engine?: SafetyEngineName;
  };
  down: { file?: string; statements: number; syntaxError?: string; fails?: string } | false | undefined;
}

/**
 * Sorts one statement's findings, or the end-of-migration findings, into report order (stable). A report lists
 * its findings statement by statement, within a statement the most severe first, then by line; then the findings
 * of the checks that can only decide at the end of the migration (a foreign key never indexed, a transaction never
 * committed), in the same order. It is the order the checks find them in, so a huge report can be written while
 * it is checked.
 */
export function sortFindings<T extends Pick<Finding, 'statementIndex' | 'severity'> & FindingDigest>(
  findings: T[],
): T[] {
  return findings.sort(
    (a, b) =>
      a.statementIndex - b.statementIndex ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      a.span.start.line - b.span.start.line,
  );
}

export function buildReport(input: ReportInput): ReportSummary {
  const largeTableRows = input.options.largeTableRows ?? 1_000_000;
  const { findings, counts } = input;
  const at = input.options.lineLabel ?? ((line: number) => `line ${line}`);
  const checklist = answerChecklist(input, findings, at).map((item) => ({
    ...item,
    evidence: capped(item.evidence),
  }));
  const assessed = assessRisk(findings, input.locks, input.facts, at);
  return {
    engine: input.options.engine ?? 'postgresql',
    ...(input.options.file ? { file: input.options.file } : {}),
    pgVersion: input.options.pgVersion ?? 15,
    assumeInTransaction: input.options.assumeInTransaction ?? false,
    largeTableRows,
    statementCount: input.statementCount,
    risk: assessed.risk,
    riskReasons: capped(assessed.reasons),
    counts: { ...counts },
    suppressed: input.suppressed,
    checklist,
    ruleErrors: input.ruleErrors,
  };
}

/** The whole report, keys in the order the answers show them. */
export function assembleReport(
  summary: ReportSummary,
  findings: Finding[],
  locks: StatementSummary[],
): ValidationReport {
  const { suppressed, checklist, ruleErrors, ...head } = summary;
  return { ...head, findings, suppressed, locks, checklist, ruleErrors };
}

function assessRisk(
  findings: FindingDigest[],
  locks: LockFacts,
  facts: MigrationFacts,
  at: (line: number) => string,
): { risk: Risk; reasons: string[] } {
  const high: string[] = [];
  const medium: string[] = [];
  for (const finding of findings) {
    const where = at(finding.span.start.line);
    if (finding.severity === 'error') high.push(`${finding.ruleId} (${where}): ${finding.title}`);
    else if (finding.category === 'dangerous')
      high.push(`${finding.ruleId} (${where}): ${finding.title} (destructive)`);
    else if (finding.severity === 'warning') medium.push(`${finding.ruleId} (${where}): ${finding.title}`);
  }
  // Seed rule 2: dropping columns or tables is HIGH RISK even when a rule was ignored.
  for (const loss of facts.dataLoss) high.push(`${at(loss.line)}: ${loss.what} (needs explicit confirmation)`);
  for (const lock of locks.long)
    high.push(`${at(lock.line)}: ${lock.mode} on large table ${lock.table} for ${describeDuration(lock.seconds)}`);
  if (high.length > 0) return { risk: 'HIGH', reasons: unique(high) };
  if (medium.length > 0) return { risk: 'MEDIUM', reasons: unique(medium) };
  return { risk: 'LOW', reasons: ['No findings at warning or error level and no destructive statements.'] };
}

function answerChecklist(input: ReportInput, findings: FindingDigest[], at: (line: number) => string): ChecklistItem[] {
  const { facts } = input;
  const items: ChecklistItem[] = [];
  const cite = (refs: StatementRef[]) => refs.map((ref) => `${at(ref.line)}: ${ref.what}`);

  // 1. No data loss.
  if (facts.dataLoss.length > 0) {
    items.push({ id: 'no-data-loss', title: 'No data loss', status: 'fail', evidence: cite(facts.dataLoss) });
  } else if (facts.lossyConversions.length > 0) {
    items.push({
      id: 'no-data-loss',
      title: 'No data loss',
      status: 'unknown',
      evidence: [
        ...cite(facts.lossyConversions),
        'Whether existing values convert cleanly depends on the data; rehearse on a copy.',
      ],
    });
  } else {
    items.push({
      id: 'no-data-loss',
      title: 'No data loss',
      status: 'pass',
      evidence: ['No DROP, TRUNCATE, DELETE, unfiltered UPDATE or in-place type change of existing data.'],
    });
  }

  // 2. Backward compatible.
  const breaking = [...cite(facts.incompatible)];
  // A line the facts name already says what breaks, in words: its rule's finding would list the problem again.
  const cited = new Set(facts.incompatible.map((ref) => ref.line));
  for (const finding of findings) {
    if (finding.breaksOldCode && !cited.has(finding.span.start.line))
      breaking.push(`${at(finding.span.start.line)}: ${finding.ruleId}: ${finding.title}`);
  }
  items.push(
    breaking.length > 0
      ? {
          id: 'backward-compatible',
          title: 'Backward compatible (old code works with the new schema)',
          status: 'fail',
          evidence: [
            ...unique(breaking),
            'Use the phased sequence: add new → dual-write → backfill → switch reads → drop old.',
          ],
        }
      : {
          id: 'backward-compatible',
          title: 'Backward compatible (old code works with the new schema)',
          status: 'pass',
          evidence: ['No drops, renames, type changes or new required columns on existing tables.'],
        },
  );

  // 3. No long locks on large tables.
  const { long, unsized } = input.locks;
  const rates = `estimates use ${formatCount(ROWS_PER_SECOND.scan)} rows/s for scans, ${formatCount(ROWS_PER_SECOND.indexBuild)} for index builds, ${formatCount(ROWS_PER_SECOND.rewrite)} for rewrites`;
  if (long.length > 0) {
    items.push({
      id: 'no-long-locks',
      title: 'No long locks on large tables',
      status: 'fail',
      evidence: [
        ...long.map(
          (lock) =>
            `${at(lock.line)}: ${lock.mode} on ${lock.table} (${formatCount(lock.rows)} rows) for ${describeDuration(lock.seconds)}`,
        ),
        rates,
      ],
    });
  } else if (unsized.length > 0) {
    items.push({
      id: 'no-long-locks',
      title: 'No long locks on large tables',
      status: 'unknown',
      evidence: [
        ...unique(
          unsized.map(
            (lock) =>
              `${at(lock.line)}: ${lock.mode} on ${lock.table} while it ${lock.rewrite ? 'rewrites' : 'scans'} the table; row count unknown`,
          ),
        ),
        'Give row counts (--row-count table=N, rowCounts, or a database URL) to decide.',
      ],
    });
  } else {
    items.push({
      id: 'no-long-locks',
      title: 'No long locks on large tables',
      status: 'pass',
      evidence: [
        input.locks.blocking > 0
          ? 'Blocking locks are metadata-only or on tables under the large-table threshold.'
          : 'No statement blocks reads or writes of an existing table while scanning or rewriting it.',
      ],
    });
  }

  // 4. Indexes for foreign keys (checked against the schema at the end of the migration).
  if (facts.foreignKeys.length === 0) {
    items.push({
      id: 'foreign-key-indexes',
      title: 'Indexes for foreign keys',
      status: 'pass',
      evidence: ['No foreign keys added.'],
    });
  } else {
    const missing = facts.foreignKeys.filter((fk) => !foreignKeyLookupIndexed(input.catalog, fk.table, fk.columns));
    items.push({
      id: 'foreign-key-indexes',
      title: 'Indexes for foreign keys',
      status: missing.length > 0 ? 'fail' : 'pass',
      evidence:
        missing.length > 0
          ? missing.map(
              (fk) =>
                `${at(fk.line)}: ${fk.what} has no index starting with (${fk.columns.join(', ')}); add CREATE INDEX CONCURRENTLY on ${displayTable(fk.table)} (${fk.columns.join(', ')})`,
            )
          : facts.foreignKeys.map((fk) => `${at(fk.line)}: ${fk.what} is indexed`),
    });
  }

  // 5. Foreign keys reference existing tables.
  if (facts.foreignKeys.length === 0) {
    items.push({
      id: 'foreign-keys-reference-existing-tables',
      title: 'Foreign keys reference existing tables',
      status: 'pass',
      evidence: ['No foreign keys added.'],
    });
  } else {
    const missing = facts.foreignKeys.filter((fk) => fk.referencedExists === false);
    const unknown = facts.foreignKeys.filter((fk) => fk.referencedExists === undefined);
    items.push({
      id: 'foreign-keys-reference-existing-tables',
      title: 'Foreign keys reference existing tables',
      status: missing.length > 0 ? 'fail' : unknown.length > 0 ? 'unknown' : 'pass',
      evidence: [
        ...missing.map((fk) => `${at(fk.line)}: ${displayTable(fk.references)} does not exist at that point`),
        ...unknown.map(
          (fk) =>
            `${at(fk.line)}: ${displayTable(fk.references)} is not created in this migration; give a schema snapshot or the earlier migrations to check it`,
        ),
        ...facts.foreignKeys
          .filter((fk) => fk.referencedExists === true)
          .map((fk) => `${at(fk.line)}: ${displayTable(fk.references)} exists`),
      ],
    });
  }

  // 6. Idempotent.
  if (facts.notIdempotent.length === 0) {
    items.push({
      id: 'idempotent',
      title: 'Idempotent (IF [NOT] EXISTS)',
      status: 'pass',
      evidence: ['Every CREATE/DROP/ADD that has an IF [NOT] EXISTS form uses it.'],
    });
  } else if (input.allInTransaction) {
    items.push({
      id: 'idempotent',
      title: 'Idempotent (IF [NOT] EXISTS)',
      status: 'pass',
      evidence: [
        'The whole migration runs in one transaction, so a failure leaves nothing half-applied to retry.',
        ...cite(facts.notIdempotent),
      ],
    });
  } else {
    items.push({
      id: 'idempotent',
      title: 'Idempotent (IF [NOT] EXISTS)',
      status: 'fail',
      evidence: [
        ...cite(facts.notIdempotent),
        'A retry after a partial failure stops at these statements; add IF [NOT] EXISTS.',
      ],
    });
  }

  // 7. Rollback present.
  if (input.down && input.down.syntaxError !== undefined) {
    items.push({
      id: 'rollback-present',
      title: 'Rollback present',
      status: 'fail',
      evidence: [
        `Down migration ${input.down.file ?? '(given)'} does not parse (${input.down.syntaxError}): the migration cannot be rolled back until it is fixed.`,
      ],
    });
  } else if (input.down && input.down.fails !== undefined) {
    items.push({
      id: 'rollback-present',
      title: 'Rollback present',
      status: 'fail',
      evidence: [
        `Down migration ${input.down.file ?? '(given)'}: ${input.down.fails}; rolling back fails there until down() is fixed.`,
      ],
    });
  } else if (input.down) {
    items.push({
      id: 'rollback-present',
      title: 'Rollback present',
      status: input.down.statements > 0 ? 'pass' : 'fail',
      evidence: [
        input.down.statements > 0
          ? `Down migration ${input.down.file ?? '(given)'} has ${input.down.statements} statement(s); run rehearse_migration to test up → down → up.`
          : `Down migration ${input.down.file ?? '(given)'} is empty: the migration is irreversible (its down undoes nothing).`,
      ],
    });
  } else if (input.down === false) {
    items.push({
      id: 'rollback-present',
      title: 'Rollback present',
      status: 'fail',
      evidence: [
        'No down migration: every migration needs a way back (seed rule 1): write a down migration that undoes it.',
      ],
    });
  } else {
    items.push({
      id: 'rollback-present',
      title: 'Rollback present',
      status: 'unknown',
      evidence: [
        'No down migration was given with this input; pass it (down SQL, or a paired *.down.sql file) to check.',
      ],
    });
  }
  return items;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** Evidence lists stay readable (and answers stay small) on huge migrations: the first few, then a count. */
export const MAX_EVIDENCE = 25;

function capped(items: string[]): string[] {
  if (items.length <= MAX_EVIDENCE) return items;
  return [...items.slice(0, MAX_EVIDENCE), `… and ${items.length - MAX_EVIDENCE} more`];
}
