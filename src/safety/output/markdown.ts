import { formatLocation } from '../../errors.js';
import { originOf } from '../finding-origin.js';
import { ImportanceBudget, type KeptItem } from '../importance-budget.js';
import type { ReportSummary } from '../report.js';
import { ChunkedOutput, type ReportWriter, type WriteChunk } from '../report-writer.js';
import {
  type CheckPreamble,
  describeRisk,
  describeTarget,
  type FileOutcome,
  type FileSettings,
  type SafetyCheckResult,
} from '../run.js';
import { type Finding, SEVERITY_RANK, type Severity } from '../types.js';
import { STATUS_MARK } from './text.js';

/**
 * `check --format markdown`: a pull-request comment. The totals go on top, so the comment is written when the
 * check ends. GitHub refuses a comment over 65,536 characters, so the findings kept are those that fit
 * FINDINGS_BUDGET, most severe first (a later error pushes out an earlier info), shown in report order; the rest
 * are counted by severity and pointed to `--format json`. Memory stays small however large the migration.
 */

/** Characters of finding rows and fix details a comment holds; the rest of the 65,536 is for totals and checklists. */
export const FINDINGS_BUDGET = 50_000;

interface FileSection {
  /** In report order; a dropped one is skipped when the comment is written. */
  kept: Array<KeptItem<Shown>>;
  omitted: Record<Severity, number>;
}

interface Shown {
  section: FileSection;
  severity: Severity;
  row: string;
  fix: string;
}

export class MarkdownReportWriter implements ReportWriter {
  private readonly sections: FileSection[] = [];
  private current: FileSection | undefined;
  private readonly kept: ImportanceBudget<Shown>;

  constructor(
    private readonly write: WriteChunk,
    budget = FINDINGS_BUDGET,
  ) {
    this.kept = new ImportanceBudget<Shown>(budget, (shown) => {
      shown.section.omitted[shown.severity]++;
      // A dropped finding's text is not needed any more.
      shown.row = '';
      shown.fix = '';
    });
  }

  begin(_settings: unknown, _preamble: CheckPreamble): void {}

  file(_settings: FileSettings, _sql: string) {
    const section: FileSection = { kept: [], omitted: { error: 0, warning: 0, info: 0 } };
    this.current = section;
    const keep = (findings: Finding[]) => {
      for (const finding of findings) {
        const shown: Shown = {
          section,
          severity: finding.severity,
          row: findingRow(finding),
          fix: fixDetails(finding),
        };
        const kept = this.kept.offer(shown, SEVERITY_RANK[finding.severity], shown.row.length + shown.fix.length);
        if (kept) section.kept.push(kept);
      }
    };
    return { statement: keep, end: keep };
  }

  fileEnd(outcome: FileOutcome): void {
    // A file that could not be checked is listed with the errors, without a section.
    if ('report' in outcome && this.current) this.sections.push(this.current);
    this.current = undefined;
  }

  finish(result: SafetyCheckResult<ReportSummary>): void {
    const output = new ChunkedOutput(this.write);
    output.write(
      lines(
        '## Migration safety check',
        '',
        `**Risk: ${describeRisk(result)}** — ${result.counts.error} error(s), ${result.counts.warning} warning(s), ${result.counts.info} info · ${describeTarget(result)}`,
        '',
      ),
    );
    for (const error of result.errors) {
      output.write(lines(`- :x: \`${formatLocation(error.where ?? {})}\` ${cell(error.what)}`));
    }
    for (const [index, report] of result.files.entries()) {
      const kept = (this.sections[index]?.kept ?? []).filter((entry) => !entry.dropped).map((entry) => entry.item);
      const omitted = this.sections[index]?.omitted ?? { error: 0, warning: 0, info: 0 };
      const omittedTotal = omitted.error + omitted.warning + omitted.info;
      output.write(lines(`### \`${report.file ?? '<input>'}\` — risk ${report.risk}`, ''));
      if (kept.length > 0) {
        output.write(lines('| Line | Severity | Rule | Finding | Lock |', '|---|---|---|---|---|'));
        for (const entry of kept) output.write(entry.row);
        output.write(lines(''));
      }
      if (omittedTotal > 0)
        output.write(
          lines(
            `_${omittedTotal} more finding(s) not shown (${omitted.error} error(s), ${omitted.warning} warning(s), ${omitted.info} info): a pull-request comment holds at most 65,536 characters. Run \`db-migration-agent check --format json\` for every finding._`,
            '',
          ),
        );
      if (kept.length === 0 && omittedTotal === 0) output.write(lines('No findings.', ''));
      for (const entry of kept) if (entry.fix) output.write(entry.fix);
      output.write(lines('**Safety checklist**', ''));
      for (const item of report.checklist) {
        output.write(lines(`- ${STATUS_MARK[item.status]} ${item.title} — **${item.status}**`));
        for (const evidence of item.evidence.slice(0, 5)) output.write(lines(`  - ${cell(evidence)}`));
      }
      output.write(lines(''));
    }
    output.flush();
  }
}

/** Lines of output, each ending in a newline. */
function lines(...texts: string[]): string {
  return texts.map((text) => `${text}\n`).join('');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function findingRow(finding: Finding): string {
  const lock =
    finding.locks
      .map((claim) => `${claim.mode}${claim.relation ? ` on ${claim.relation}` : ''} (blocks ${claim.blocks})`)
      .join(', ') || '—';
  const origin = originOf(finding);
  const at = origin
    ? `${origin.file}:${origin.line}${origin.column ? `:${origin.column}` : ''}`
    : `${finding.span.start.line}:${finding.span.start.column}`;
  return lines(`| ${at} | ${finding.severity} | \`${finding.ruleId}\` | ${cell(finding.message)} | ${cell(lock)} |`);
}

function fixDetails(finding: Finding): string {
  if (!finding.fix) return '';
  const parts = [
    lines(
      `<details><summary>Fix for <code>${finding.ruleId}</code> at line ${finding.span.start.line}: ${cell(finding.fix.summary)}</summary>`,
      '',
    ),
  ];
  for (const [index, step] of finding.fix.steps.entries()) {
    const flags = [
      step.outsideTransaction ? 'outside a transaction' : '',
      step.separateMigration ? 'separate migration' : '',
    ].filter(Boolean);
    parts.push(
      lines(
        `${index + 1}. ${step.description}${flags.length > 0 ? ` _(${flags.join(', ')})_` : ''}`,
        '',
        '```sql',
        step.sql,
        '```',
        '',
      ),
    );
  }
  parts.push(lines('</details>', ''));
  return parts.join('');
}
