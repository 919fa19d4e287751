import { flattenStrings } from './engine.js';
import { ImportanceBudget, type KeptItem } from './importance-budget.js';
import {
  assembleReport,
  lockBlocksTraffic,
  type ReportSummary,
  type StatementSummary,
  type ValidationReport,
} from './report.js';
import type { CheckPreamble, CheckStream, FileOutcome, FileSettings, SafetyCheckResult } from './run.js';
import { type Finding, SEVERITY_RANK } from './types.js';

/**
 * A check's report with at most `max` findings and `max` lock summaries per file: the most important ones (errors
 * before warnings before infos; statements holding a blocking lock on a large table, or rewriting or scanning
 * one, before other blocking ones, before the rest), in report order. Counts, risk and checklist stay exact, and
 * a file that lost some says how many in `omitted`. validate_safety answers with it: an agent gets the findings
 * that matter however large the migration, and the server never holds the whole report of a huge one.
 */

export type CappedReport = ValidationReport & { omitted?: { findings: number; locks: number } };

interface OpenFile {
  findings: Array<KeptItem<Finding>>;
  locks: Array<KeptItem<StatementSummary>>;
  omitted: { findings: number; locks: number };
}

export class CappedReportCollector implements CheckStream {
  private readonly files: CappedReport[] = [];
  private open: OpenFile | undefined;

  constructor(private readonly max: number) {}

  begin(_settings: unknown, _preamble: CheckPreamble): void {}

  file(_settings: FileSettings, _sql: string) {
    const open: OpenFile = { findings: [], locks: [], omitted: { findings: 0, locks: 0 } };
    this.open = open;
    const findingBudget = new ImportanceBudget<Finding>(this.max, () => open.omitted.findings++);
    const lockBudget = new ImportanceBudget<StatementSummary>(this.max, () => open.omitted.locks++);
    const keep = (findings: Finding[]) => {
      for (const finding of findings) {
        const kept = findingBudget.offer(finding, SEVERITY_RANK[finding.severity]);
        if (!kept) continue;
        flattenStrings(finding);
        open.findings.push(kept);
      }
    };
    return {
      statement: (findings: Finding[], summary: StatementSummary | undefined) => {
        keep(findings);
        const kept = summary && lockBudget.offer(summary, lockRank(summary));
        if (kept) open.locks.push(kept);
      },
      end: keep,
    };
  }

  fileEnd(outcome: FileOutcome): void {
    const open = this.open;
    this.open = undefined;
    if (!('report' in outcome)) return;
    const report = assembleReport(outcome.report, stillKept(open?.findings), stillKept(open?.locks));
    const omitted = open?.omitted ?? { findings: 0, locks: 0 };
    this.files.push(omitted.findings + omitted.locks > 0 ? { ...report, omitted } : report);
  }

  /** The check's result with the files collected; `truncated` when any file left something out. */
  result(checked: SafetyCheckResult<ReportSummary>): SafetyCheckResult<CappedReport> & { truncated: boolean } {
    return { ...checked, files: this.files, truncated: this.files.some((file) => file.omitted !== undefined) };
  }
}

function stillKept<T>(items: Array<KeptItem<T>> | undefined): T[] {
  return (items ?? []).filter((kept) => !kept.dropped).map((kept) => kept.item);
}

/** 0: a blocking lock held for an estimated time, or over a rewrite or scan; 1: another blocking lock; 2: the rest. */
function lockRank(summary: StatementSummary): number {
  let rank = 2;
  for (const lock of summary.locks) {
    if (!lockBlocksTraffic(lock)) continue;
    if ((lock.estimatedLockSeconds ?? 0) > 0 || lock.rewrite || lock.scan) return 0;
    rank = 1;
  }
  return rank;
}
