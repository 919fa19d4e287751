import { LockSpool } from '../lock-spool.js';
import { assembleReport, type ReportSummary, type StatementSummary } from '../report.js';
import { ChunkedOutput, type ReportWriter, replayResult, type WriteChunk } from '../report-writer.js';
import type { CheckError, CheckSettings, FileSettings, SafetyCheckResult } from '../run.js';
import type { Finding, RuleCatalog } from '../types.js';
import { compactFinding, type JsonRule, jsonRule, toJsonDocument } from './json.js';

/**
 * `check --format json` written while the check runs, so a huge report never sits in memory. A report of up to
 * SMALL_REPORT_ITEMS findings and lock summaries is held and written indented, as toJsonDocument describes it.
 * A larger one is written compact as it is found, with the same content in a streaming order: each file's
 * `findings`, `statements` and `locks` first and its risk, counts and checklist after them; the check's `errors`,
 * `notes`, `risk`, `counts` and `rules` at the end. The lock summaries wait, compactly (LockSpool), until the
 * file's findings are written.
 *
 * A file whose SQL stops parsing part-way keeps what was written for the statements before the error and gets
 * an `error` field; the error is also listed in `errors`, as for every file that could not be checked.
 */

/** More findings and lock summaries than this in one check, and the report is streamed. */
export const SMALL_REPORT_ITEMS = 400;

type Outcome = { report: ReportSummary } | { error: CheckError };

interface HeldFile {
  settings: FileSettings;
  findings: Finding[];
  locks: StatementSummary[];
  outcome?: Outcome;
}

export class JsonReportWriter implements ReportWriter {
  private settings: CheckSettings | undefined;
  /** Files held while the report is small; undefined once it is streamed. */
  private held: HeldFile[] | undefined = [];
  private items = 0;
  private readonly output: ChunkedOutput;
  private readonly rules = new Map<string, JsonRule>();
  private current: StreamedFile | undefined;
  /** The file whose check is running (between file() and fileEnd()). */
  private open: HeldFile | undefined;
  private filesWritten = 0;

  constructor(
    write: WriteChunk,
    private readonly metas: RuleCatalog,
    private readonly smallItems = SMALL_REPORT_ITEMS,
  ) {
    this.output = new ChunkedOutput(write);
  }

  begin(settings: CheckSettings): void {
    this.settings = settings;
  }

  file(settings: FileSettings) {
    const held: HeldFile = { settings, findings: [], locks: [] };
    this.held?.push(held);
    this.open = held;
    const streamed = () => (this.held ? undefined : this.streamedFile(settings));
    return {
      statement: (findings: Finding[], summary: StatementSummary | undefined) => {
        const target = streamed();
        if (target) {
          target.addFindings(findings);
          if (summary) target.addLock(summary);
          return;
        }
        for (const finding of findings) held.findings.push(finding);
        if (summary) held.locks.push(summary);
        this.count(findings.length + (summary ? 1 : 0));
      },
      end: (findings: Finding[]) => {
        const target = streamed();
        if (target) target.addFindings(findings);
        else {
          for (const finding of findings) held.findings.push(finding);
          this.count(findings.length);
        }
      },
    };
  }

  fileEnd(outcome: Outcome): void {
    const open = this.open;
    this.open = undefined;
    // An input that failed before its check started (nothing was written for it) is only in `errors`.
    if (!open) return;
    if (this.held) open.outcome = outcome;
    else this.closeFile(open.settings, outcome);
  }

  /** Ends a streamed file's object; a file that stopped at an error before anything was written is left out. */
  private closeFile(settings: FileSettings, outcome: Outcome): void {
    const started = this.current !== undefined && this.current.settings === settings;
    if (started || 'report' in outcome) this.streamedFile(settings).close(outcome);
    this.current = undefined;
  }

  /** Writes the rest of the document: the whole of a small one, the tail of a streamed one. */
  finish(result: SafetyCheckResult<ReportSummary>): void {
    if (this.held) {
      const files = this.held.flatMap((file) =>
        file.outcome && 'report' in file.outcome
          ? [assembleReport(file.outcome.report, file.findings, file.locks)]
          : [],
      );
      this.output.write(`${JSON.stringify(toJsonDocument({ ...result, files }, this.metas), null, 2)}\n`);
    } else {
      const { errors, notes, risk, checkedRisk, unchecked, counts } = result;
      const rules = Object.fromEntries([...this.rules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      this.output.write(
        `],"errors":${JSON.stringify(errors)},"notes":${JSON.stringify(notes)},"unchecked":${JSON.stringify(unchecked)},"checkedRisk":${JSON.stringify(checkedRisk)},"risk":${JSON.stringify(risk)},"counts":${JSON.stringify(counts)},"rules":${JSON.stringify(rules)}}\n`,
      );
    }
    this.output.flush();
  }

  private count(added: number): void {
    this.items += added;
    if (this.items > this.smallItems) this.startStreaming();
  }

  /** The report has grown past small: write what is held, and everything from now on as it comes. */
  private startStreaming(): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.output.write(`{${jsonMembers(this.settings ?? { engine: 'postgresql' })},"files":[`);
    for (const file of held) {
      if (file.findings.length > 0 || file.locks.length > 0) {
        const target = this.streamedFile(file.settings);
        target.addFindings(file.findings);
        for (const summary of file.locks) target.addLock(summary);
      }
      if (file.outcome) this.closeFile(file.settings, file.outcome);
    }
  }

  private streamedFile(settings: FileSettings): StreamedFile {
    if (this.current?.settings === settings) return this.current;
    this.current = new StreamedFile(settings, this.output, this.filesWritten++ > 0, (finding) => this.ruleOf(finding));
    return this.current;
  }

  /** The rule metadata written once for all its findings, from the catalog or (a caller's rule) its first finding. */
  private ruleOf(finding: Finding): JsonRule {
    let rule = this.rules.get(finding.ruleId);
    if (!rule) {
      rule = jsonRule(finding, this.metas.get(finding.ruleId));
      this.rules.set(finding.ruleId, rule);
    }
    return rule;
  }
}

/** One file's object in a streamed document, written from its `findings` on. */
class StreamedFile {
  private findingsWritten = 0;
  /** Statements that have findings, by index, with their text (a slice of the file's SQL, so cheap to keep). */
  private readonly statementIndexes: number[] = [];
  private readonly statementTexts: string[] = [];
  private lastStatement = -1;
  private readonly seen = new Set<number>();
  private readonly locks = new LockSpool();

  constructor(
    readonly settings: FileSettings,
    private readonly output: ChunkedOutput,
    notFirst: boolean,
    private readonly ruleOf: (finding: Finding) => JsonRule,
  ) {
    output.write(`${notFirst ? ',' : ''}{${jsonMembers(settings)},"findings":[`);
  }

  addFindings(findings: Finding[]): void {
    for (const finding of findings) {
      const text = JSON.stringify(compactFinding(finding, this.ruleOf(finding)));
      this.output.write(this.findingsWritten++ > 0 ? `,${text}` : text);
      const index = finding.statementIndex;
      // Statement texts are written once each, in the order their first findings come.
      if (index !== this.lastStatement && !this.seen.has(index)) {
        this.seen.add(index);
        this.statementIndexes.push(index);
        this.statementTexts.push(finding.statement);
      }
      this.lastStatement = index;
    }
  }

  addLock(summary: StatementSummary): void {
    this.locks.add(summary);
  }

  close(outcome: Outcome): void {
    this.output.write('],"statements":{');
    for (let at = 0; at < this.statementIndexes.length; at++)
      this.output.write(
        `${at > 0 ? ',' : ''}"${this.statementIndexes[at]}":${JSON.stringify(this.statementTexts[at])}`,
      );
    this.output.write('},"locks":[');
    let first = true;
    for (const json of this.locks.json()) {
      this.output.write(first ? json : `,${json}`);
      first = false;
    }
    this.output.write(']');
    if (!('report' in outcome)) this.output.write(`,"error":${JSON.stringify(outcome.error)}}`);
    else {
      const {
        engine: _engine,
        file: _file,
        pgVersion: _pg,
        assumeInTransaction: _tx,
        largeTableRows: _rows,
        ...rest
      } = outcome.report;
      const members = jsonMembers(rest);
      this.output.write(members ? `,${members}}` : '}');
    }
  }
}

/** An object's members as JSON, without the braces, in its key order (undefined values left out, as JSON does). */
function jsonMembers(record: object): string {
  return Object.entries(record)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join(',');
}

/**
 * The JSON document of a finished check, in the pieces the writer makes: indented when small, streaming order
 * when large (the same document `check --format json` writes while it checks).
 */
export function jsonDocumentParts(
  result: SafetyCheckResult,
  metas: RuleCatalog,
  smallItems = SMALL_REPORT_ITEMS,
): string[] {
  const parts: string[] = [];
  replayResult(result, new JsonReportWriter((chunk) => parts.push(chunk), metas, smallItems));
  return parts;
}
