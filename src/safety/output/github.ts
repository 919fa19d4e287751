import { originOf, sourceLocation } from '../finding-origin.js';
import type { ReportSummary } from '../report.js';
import { ChunkedOutput, type ReportWriter, type WriteChunk } from '../report-writer.js';
import {
  type CheckError,
  type CheckPreamble,
  describeRisk,
  type FileOutcome,
  type FileSettings,
  type SafetyCheckResult,
} from '../run.js';
import type { Finding, Severity } from '../types.js';

/**
 * `check --format github`: one workflow command per finding (`::warning file=…,line=…::message`), which GitHub
 * Actions shows as an annotation on the pull request's diff, written while the check runs; the risk line last.
 */

const GITHUB_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export class GithubReportWriter implements ReportWriter {
  private readonly output: ChunkedOutput;

  constructor(write: WriteChunk) {
    this.output = new ChunkedOutput(write);
  }

  begin(_settings: unknown, preamble: CheckPreamble): void {
    for (const error of preamble.errors) this.output.write(errorCommand(error));
  }

  file(settings: FileSettings) {
    const write = (findings: Finding[]) => {
      for (const finding of findings) this.output.write(findingCommand(finding, settings.file));
    };
    return { statement: write, end: write };
  }

  fileEnd(outcome: FileOutcome): void {
    if (outcome.error) this.output.write(errorCommand(outcome.error));
  }

  finish(result: SafetyCheckResult<ReportSummary>): void {
    this.output.write(
      `Risk: ${describeRisk(result)} — ${result.counts.error} error(s), ${result.counts.warning} warning(s), ${result.counts.info} info.\n`,
    );
    this.output.flush();
  }
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function errorCommand(error: CheckError): string {
  const file = error.where?.file ?? '<input>';
  const title = error.code === 'sql-syntax' ? 'SQL syntax error' : 'Not checked';
  return `::error file=${escapeProperty(file)},line=${error.where?.line ?? 1},col=${error.where?.column ?? 1},title=${escapeProperty(title)}::${escapeData(`${error.what}\n${error.fix}`)}\n`;
}

function findingCommand(finding: Finding, file: string | undefined): string {
  const location = sourceLocation(finding, file);
  const origin = originOf(finding);
  const { start, end } = origin
    ? {
        start: { line: origin.line, column: origin.column ?? 1 },
        end: { line: origin.line, column: origin.column ?? 1 },
      }
    : finding.span;
  const fix = finding.fix
    ? `\nFix: ${finding.fix.summary}\n${finding.fix.steps.map((step, i) => `${i + 1}. ${step.sql}`).join('\n')}`
    : '';
  return `::${GITHUB_LEVEL[finding.severity]} file=${escapeProperty(location.file)},line=${start.line},col=${start.column},endLine=${end.line},endColumn=${end.column},title=${escapeProperty(`${finding.ruleId}: ${finding.title}`)}::${escapeData(`${finding.message}${fix}`)}\n`;
}
