import { nodeCrypto } from '../../lazy-builtins.js';
import { sourceLocation } from '../finding-origin.js';
import { ChunkedOutput, type ReportWriter, type WriteChunk } from '../report-writer.js';
import type { CheckError, CheckPreamble, FileOutcome, FileSettings } from '../run.js';
import type { Finding, Severity } from '../types.js';

/**
 * `check --format gitlab`: GitLab's Code Quality report, a JSON array of issues (description, check_name,
 * fingerprint, severity, location.path, location.lines.begin) that a merge request shows beside its diff, written
 * while the check runs. A fingerprint names the file, the rule and the statement's text (not its line), so an
 * issue stays the same issue when lines above it move; a repeat of the same statement counts up. An input that
 * could not be checked is a blocker.
 */

const GITLAB_SEVERITY: Record<Severity, string> = { error: 'critical', warning: 'minor', info: 'info' };

interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}

export class GitlabReportWriter implements ReportWriter {
  private readonly output: ChunkedOutput;
  private written = 0;
  private readonly seen = new Map<string, number>();

  constructor(write: WriteChunk) {
    this.output = new ChunkedOutput(write);
    this.output.write('[');
  }

  begin(_settings: unknown, preamble: CheckPreamble): void {
    for (const error of preamble.errors) this.issue(errorIssue(error, this.fingerprint(errorKey(error))));
  }

  file(settings: FileSettings) {
    const write = (findings: Finding[]) => {
      for (const finding of findings) {
        const location = sourceLocation(finding, settings.file);
        const key = [location.file, finding.ruleId, finding.statement.replace(/\s+/g, ' ').trim()].join('\0');
        this.issue({
          description: `${finding.title}: ${finding.message}${finding.fix ? ` Fix: ${finding.fix.summary}` : ''}`,
          check_name: finding.ruleId,
          fingerprint: this.fingerprint(key),
          severity: GITLAB_SEVERITY[finding.severity],
          location: { path: location.file, lines: { begin: location.line } },
        });
      }
    };
    return { statement: write, end: write };
  }

  fileEnd(outcome: FileOutcome): void {
    if (outcome.error) this.issue(errorIssue(outcome.error, this.fingerprint(errorKey(outcome.error))));
  }

  finish(): void {
    this.output.write(this.written > 0 ? '\n]\n' : ']\n');
    this.output.flush();
  }

  private issue(issue: CodeQualityIssue): void {
    this.output.write(`${this.written > 0 ? ',' : ''}\n${JSON.stringify(issue)}`);
    this.written++;
  }

  private fingerprint(key: string): string {
    const repeat = this.seen.get(key) ?? 0;
    this.seen.set(key, repeat + 1);
    return nodeCrypto().createHash('sha256').update(`${key}\0${repeat}`).digest('hex').slice(0, 32);
  }
}

function errorKey(error: CheckError): string {
  return [error.where?.file ?? '<input>', 'not-checked', error.code].join('\0');
}

function errorIssue(error: CheckError, fingerprint: string): CodeQualityIssue {
  return {
    description: `Not checked: ${error.what.split('\n')[0]} Fix: ${error.fix}`,
    check_name: 'not-checked',
    fingerprint,
    severity: 'blocker',
    location: { path: error.where?.file ?? '<input>', lines: { begin: error.where?.line ?? 1 } },
  };
}
