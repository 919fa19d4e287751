import { formatLocation } from '../../errors.js';
import { LineIndex } from '../../sql/positions.js';
import { describeDuration } from '../estimate.js';
import { originOf, sourceLocation } from '../finding-origin.js';
import { type ChecklistItem, isAlgorithmLock, type ReportSummary, type StatementSummary } from '../report.js';
import { ChunkedOutput, type ReportWriter, type WriteChunk } from '../report-writer.js';
import {
  type CheckError,
  type CheckPreamble,
  type CheckSettings,
  describeRisk,
  describeTarget,
  type FileOutcome,
  type FileSettings,
  type FindingOrigin,
  type SafetyCheckResult,
} from '../run.js';
import type { Finding, LockClaim } from '../types.js';

/**
 * `check --format text`, the default: compiler-style findings (location, the source line with a marker under the
 * span, lock, why, the fix steps) written while the check runs, then a summary: totals, risk, the statements that
 * take blocking locks and the safety checklist of each file. Only the first few blocking statements of a file are
 * kept for the summary, so a huge migration's output never sits in memory.
 */

export const STATUS_MARK: Record<ChecklistItem['status'], string> = { pass: '[x]', fail: '[ ]', unknown: '[?]' };

/** Statements with blocking locks listed in a file's summary; the rest are counted. */
const SHOWN_LOCKS = 20;

interface BlockingLocks {
  shown: StatementSummary[];
  total: number;
}

export class TextReportWriter implements ReportWriter {
  private readonly output: ChunkedOutput;
  /** Per checked file, in the order of the result's files. */
  private readonly blocking: BlockingLocks[] = [];
  private current: BlockingLocks | undefined;

  constructor(write: WriteChunk) {
    this.output = new ChunkedOutput(write);
  }

  begin(_settings: CheckSettings, preamble: CheckPreamble): void {
    for (const error of preamble.errors) this.output.write(errorText(error));
    for (const note of preamble.notes) this.output.write(`note: ${note}\n`);
    if (preamble.notes.length > 0) this.output.write('\n');
  }

  file(settings: FileSettings, sql: string) {
    const lines = new LineIndex(sql);
    const blocking: BlockingLocks = { shown: [], total: 0 };
    this.current = blocking;
    const write = (findings: Finding[]) => {
      for (const finding of findings) this.output.write(`${findingText(finding, settings.file, lines)}\n`);
    };
    return {
      statement: (findings: Finding[], summary: StatementSummary | undefined) => {
        write(findings);
        if (summary && blocksOthers(summary)) {
          if (blocking.shown.length < SHOWN_LOCKS) blocking.shown.push(summary);
          blocking.total++;
        }
      },
      end: write,
    };
  }

  fileEnd(outcome: FileOutcome): void {
    const blocking = this.current;
    this.current = undefined;
    if (outcome.error) this.output.write(errorText(outcome.error));
    if ('report' in outcome) this.blocking.push(blocking ?? { shown: [], total: 0 });
  }

  finish(result: SafetyCheckResult<ReportSummary>): void {
    this.output.write(summaryText(result, (index) => this.blocking[index] ?? { shown: [], total: 0 }));
    this.output.flush();
  }
}

function errorText(error: CheckError): string {
  const where = error.where ? `${formatLocation(error.where)}: ` : '';
  return `${where}error: ${error.what}\n  fix: ${error.fix}\n\n`;
}

/** Whether a statement's locks keep other sessions from writing (or reading), not just from DDL. */
function blocksOthers(summary: StatementSummary): boolean {
  return summary.locks.some((lock) => lock.mode !== 'ROW EXCLUSIVE' && lock.mode !== 'ACCESS SHARE');
}

/** ` orders`: the relation a lock claim is on, where it names one or is on the finding's own table. */
function claimedRelation(lock: LockClaim, finding: Finding): string {
  if (lock.relation) return ` ${lock.relation}`;
  return finding.table && lock.on.startsWith('table') ? ` ${finding.table}` : '';
}

function findingText(finding: Finding, file: string | undefined, lines: LineIndex): string {
  const location = sourceLocation(finding, file);
  const { start, end } = finding.span;
  const parts: string[] = [
    `${location.file}:${location.line}:${location.column}: ${finding.severity}[${finding.ruleId}] ${finding.message}`,
  ];
  if (originOf(finding)) parts.push(` --> SQL compiled from that line (line ${start.line} of the migration's SQL):`);
  const source = lines.text.length > 0 ? lines.lineText(start.line) : (finding.statement.split('\n', 1)[0] ?? '');
  const gutter = String(start.line).length;
  const pad = ' '.repeat(gutter);
  const markEnd = end.line === start.line ? Math.max(end.column, start.column + 1) : source.length + 1;
  const width = Math.max(1, markEnd - start.column);
  parts.push(`${pad} |`);
  parts.push(`${start.line} | ${source}`);
  parts.push(`${pad} | ${' '.repeat(Math.max(0, start.column - 1))}^${'~'.repeat(width - 1)}`);
  for (const lock of finding.locks) {
    const estimate =
      finding.estimatedLockSeconds && finding.estimatedLockSeconds > 0
        ? `, est. ${describeDuration(finding.estimatedLockSeconds)}`
        : '';
    parts.push(
      `${pad} = lock: ${lock.mode} on ${lock.on}${claimedRelation(lock, finding)} (blocks ${lock.blocks})${estimate}`,
    );
  }
  parts.push(`${pad} = why: ${finding.why}`);
  if (finding.fix) {
    parts.push(`${pad} = fix: ${finding.fix.summary}`);
    finding.fix.steps.forEach((step, index) => {
      const flags = [
        step.outsideTransaction ? 'outside a transaction' : '',
        step.separateMigration ? 'separate migration' : '',
      ].filter(Boolean);
      parts.push(`${pad}   ${index + 1}. ${step.description}${flags.length > 0 ? ` [${flags.join(', ')}]` : ''}`);
      for (const line of step.sql.split('\n')) parts.push(`${pad}      ${line}`);
    });
  }
  return `${parts.join('\n')}\n`;
}

function summaryText(
  result: SafetyCheckResult<ReportSummary>,
  blockingOf: (fileIndex: number) => BlockingLocks,
): string {
  const out: string[] = [];
  const statements = result.files.reduce((sum, report) => sum + report.statementCount, 0);
  out.push(
    `Checked ${result.files.length} file(s), ${statements} statement(s) for ${describeTarget(result)}: ${result.counts.error} error(s), ${result.counts.warning} warning(s), ${result.counts.info} info.`,
  );
  if (result.errors.length > 0)
    out.push(`Not checked: ${result.errors.length} input(s) could not be read or parsed (see above).`);
  out.push(`Risk: ${describeRisk(result)}`);
  // The inputs not (fully) checked were shown where they failed; only "nothing at all" needs saying here.
  if (result.files.length === 0) out.push('No file was checked.');
  for (const [index, report] of result.files.entries()) {
    const partly = report.notFullyChecked
      ? ` (not fully checked: lines from ${report.notFullyChecked.uncheckedFrom} on were not)`
      : '';
    if (result.files.length > 1 || partly) out.push(`\n${report.file ?? '<input>'} — risk ${report.risk}${partly}`);
    const blocking = blockingOf(index);
    if (blocking.total > 0) {
      out.push('Locks:');
      for (const summary of blocking.shown) {
        // Relations locked alike are listed together: a DELETE cascading to 30 tables is one clause, not 30.
        const clauses = new Map<string, { mode: string; tables: string[]; tail: string }>();
        for (const lock of summary.locks) {
          // MySQL/MariaDB: the server lines the entry is for (version not given) and whether the table is rebuilt.
          const servers = isAlgorithmLock(lock) && lock.servers ? ` [${lock.servers}]` : '';
          // How long it holds the lock: PostgreSQL's rewrite or scan of the table, MySQL's rebuild.
          const work = isAlgorithmLock(lock)
            ? lock.rewrite
              ? ', rebuilds the table'
              : ''
            : lock.rewrite
              ? ', rewrites it'
              : lock.scan
                ? ', scans it'
                : '';
          const tail = `${servers} (blocks ${lock.blocks}${work}${lock.estimatedLockSeconds ? `, est. ${describeDuration(lock.estimatedLockSeconds)}` : ''})`;
          const key = `${lock.mode}\n${tail}`;
          const clause = clauses.get(key);
          if (clause) clause.tables.push(lock.table);
          else clauses.set(key, { mode: lock.mode, tables: [lock.table], tail });
        }
        const locks = [...clauses.values()]
          .map((clause) => {
            const tail =
              clause.tables.length > 1 ? clause.tail.replace(/, (rewrites|scans) it\b/, ', $1 each') : clause.tail;
            return `${clause.mode} on ${clause.tables.join(', ')}${tail}`;
          })
          .join('; ');
        const origin = (summary as { origin?: FindingOrigin }).origin;
        const at = origin ? `${origin.file}:${origin.line}` : `line ${summary.span.start.line}`;
        out.push(`  ${at}: ${summary.text} → ${locks}`);
      }
      if (blocking.total > blocking.shown.length)
        out.push(`  … ${blocking.total - blocking.shown.length} more statement(s) take locks (see --format json)`);
    }
    out.push('Safety checklist:');
    for (const item of report.checklist) {
      out.push(`  ${STATUS_MARK[item.status]} ${item.title}: ${item.status}`);
      for (const evidence of item.evidence.slice(0, 5)) out.push(`      ${evidence}`);
      if (item.evidence.length > 5) out.push(`      … ${item.evidence.length - 5} more`);
    }
    if (report.suppressed.length > 0) out.push(`Ignored by comments: ${report.suppressed.length} finding(s).`);
    for (const error of report.ruleErrors) out.push(`internal: ${error}`);
  }
  return `${out.join('\n')}\n`;
}
