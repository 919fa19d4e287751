import type { StatementSink } from '../engine.js';
import type { ReportSummary } from '../report.js';
import type { ReportWriter } from '../report-writer.js';
import type { CheckPreamble, CheckSettings, FileOutcome, FileSettings, SafetyCheckResult } from '../run.js';

/** Several output formats from one check: every event goes to each writer, in order. */
export class TeeReportWriter implements ReportWriter {
  constructor(private readonly writers: readonly ReportWriter[]) {}

  begin(settings: CheckSettings, preamble: CheckPreamble): void {
    for (const writer of this.writers) writer.begin(settings, preamble);
  }

  file(settings: FileSettings, sql: string): StatementSink {
    const sinks = this.writers.map((writer) => writer.file(settings, sql));
    return {
      statement(findings, summary) {
        for (const sink of sinks) sink.statement(findings, summary);
      },
      end(findings) {
        for (const sink of sinks) sink.end(findings);
      },
    };
  }

  fileEnd(outcome: FileOutcome): void {
    for (const writer of this.writers) writer.fileEnd(outcome);
  }

  finish(result: SafetyCheckResult<ReportSummary>): void {
    for (const writer of this.writers) writer.finish(result);
  }
}
