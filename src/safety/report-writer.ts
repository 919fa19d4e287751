import type { ReportSummary, ValidationReport } from './report.js';
import type { CheckStream, SafetyCheckResult } from './run.js';

/**
 * What every output format of `check` shares: a report is written while the check runs (a CheckStream), ended by
 * `finish` with the check's result, and a collected result can be replayed through the same writer, so the
 * output of a finished check and of a running one come from one piece of code.
 */

export type WriteChunk = (chunk: string) => void;

export interface ReportWriter extends CheckStream {
  /** Writes what only the whole check knows (totals, risk, the summary) and flushes the output. */
  finish(result: SafetyCheckResult<ReportSummary>): void;
}

/** Output chunks of about this size: few system calls, and no chunk in V8's large-object space. */
const CHUNK_CHARS = 1 << 14;

/** Gathers small pieces of text and hands them on in chunks of about CHUNK_CHARS. */
export class ChunkedOutput {
  private pending: string[] = [];
  private size = 0;

  constructor(private readonly write_: WriteChunk) {}

  write(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.write_(this.pending.join(''));
    this.pending = [];
    this.size = 0;
  }
}

/**
 * Writes a finished check through `writer` as if it were running: every file's findings and lock summaries, then
 * the result. `sources` holds each file's SQL (by file name, `<input>` for text without one).
 */
export function replayResult(
  result: SafetyCheckResult<ValidationReport>,
  writer: ReportWriter,
  sources: ReadonlyMap<string, string> = new Map(),
): void {
  const { files, ...rest } = result;
  const { engine, pgVersion, pgVersionSource, assumeInTransaction, largeTableRows, configSource } = rest;
  writer.begin(
    {
      engine,
      pgVersion,
      pgVersionSource,
      assumeInTransaction,
      largeTableRows,
      ...(configSource !== undefined ? { configSource } : {}),
    },
    { notes: result.notes, errors: result.errors },
  );
  const summaries: ReportSummary[] = [];
  for (const report of files) {
    const { findings, locks, ...summary } = report;
    const sink = writer.file(
      {
        engine: summary.engine,
        ...(summary.file !== undefined ? { file: summary.file } : {}),
        pgVersion: summary.pgVersion,
        assumeInTransaction: summary.assumeInTransaction,
        largeTableRows: summary.largeTableRows,
      },
      sources.get(summary.file ?? '<input>') ?? '',
    );
    sink.end(findings);
    for (const lock of locks) sink.statement([], lock);
    writer.fileEnd({ report: summary });
    summaries.push(summary);
  }
  writer.finish({ ...rest, files: summaries });
}
