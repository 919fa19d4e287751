import { originOf } from './finding-origin.js';
import type { ReportSummary } from './report.js';
import { ChunkedOutput, type ReportWriter, type WriteChunk } from './report-writer.js';
import type { CheckError, CheckPreamble, FileSettings, SafetyCheckResult } from './run.js';
import { STATUS_MARK } from './text-output.js';
import type { Finding, Severity } from './types.js';

/**
 * `check --format markdown`: a pull-request comment. The totals go on top, so the comment is written when the
 * check ends. GitHub refuses a comment over 65,536 characters, so the findings kept are those that fit
 * FINDINGS_BUDGET, most severe first (a later error pushes out an earlier info), shown in report order; the rest
 * are counted by severity and pointed to `--format json`. Memory stays small however large the migration.
 */

/** Characters of finding rows and fix details a comment holds; the rest of the 65,536 is for totals and checklists. */
export const FINDINGS_BUDGET = 50_000;

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

interface FileSection {
  /** In report order; evicted entries stay, emptied, until the comment is written. */
  kept: Kept[];
  omitted: Record<Severity, number>;
}

interface Kept {
  section: FileSection;
  severity: Severity;
  row: string;
  fix: string;
  evicted: boolean;
}

export class MarkdownReportWriter implements ReportWriter {
  private readonly sections: FileSection[] = [];
  private current: FileSection | undefined;
  private used = 0;
  /** Kept findings by severity, latest last: the first to go when a more severe one needs the room. */
  private readonly bySeverity: Record<Severity, Kept[]> = { error: [], warning: [], info: [] };

  constructor(
    private readonly write: WriteChunk,
    private readonly budget = FINDINGS_BUDGET,
  ) {}

  begin(_settings: unknown, _preamble: CheckPreamble): void {}

  file(_settings: FileSettings, _sql: string) {
    const section: FileSection = { kept: [], omitted: { error: 0, warning: 0, info: 0 } };
    this.current = section;
    const keep = (findings: Finding[]) => {
      for (const finding of findings) this.keep(section, finding);
    };
    return { statement: keep, end: keep };
  }

  private keep(section: FileSection, finding: Finding): void {
    const entry: Kept = {
      section,
      severity: finding.severity,
      row: findingRow(finding),
      fix: fixDetails(finding),
      evicted: false,
    };
    const cost = entry.row.length + entry.fix.length;
    while (this.used + cost > this.budget) {
      const lesser = SEVERITIES.slice(SEVERITIES.indexOf(entry.severity) + 1)
        .reverse()
        .find((severity) => this.bySeverity[severity].length > 0);
      const evicted = lesser && this.bySeverity[lesser].pop();
      if (!evicted) {
        section.omitted[entry.severity]++;
        return;
      }
      evicted.evicted = true;
      evicted.section.omitted[evicted.severity]++;
      this.used -= evicted.row.length + evicted.fix.length;
      evicted.row = '';
      evicted.fix = '';
    }
    this.used += cost;
    this.bySeverity[entry.severity].push(entry);
    section.kept.push(entry);
  }

  fileEnd(outcome: { report: ReportSummary } | { error: CheckError }): void {
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
        `**Risk: ${result.risk}** — ${result.counts.error} error(s), ${result.counts.warning} warning(s), ${result.counts.info} info · PostgreSQL ${result.pgVersion}`,
        '',
      ),
    );
    for (const error of result.errors) {
      output.write(
        lines(
          `- :x: \`${error.where?.file ?? '<input>'}:${error.where?.line ?? 1}:${error.where?.column ?? 1}\` ${cell(error.what)}`,
        ),
      );
    }
    for (const [index, report] of result.files.entries()) {
      const kept = (this.sections[index]?.kept ?? []).filter((entry) => !entry.evicted);
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
  const lock = finding.locks.map((claim) => `${claim.mode} (blocks ${claim.blocks})`).join(', ') || '—';
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
