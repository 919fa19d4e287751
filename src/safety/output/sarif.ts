import { NAME, VERSION } from '../../version.js';
import { originOf } from '../finding-origin.js';
import { ImportanceBudget, type KeptItem } from '../importance-budget.js';
import type { ReportSummary } from '../report.js';
import { ChunkedOutput, type ReportWriter, type WriteChunk } from '../report-writer.js';
import type { CheckPreamble, FileSettings, SafetyCheckResult } from '../run.js';
import { type Finding, type RuleCatalog, type RuleMeta, SEVERITY_RANK, type Severity } from '../types.js';

/**
 * `check --format sarif`: SARIF 2.1.0 for code-scanning UIs (GitHub code scanning, VS Code's SARIF viewer), the
 * errors as tool notifications and the risk as a run property. GitHub rejects a run of more than 25,000 results,
 * so at most MAX_RESULTS are kept while the check runs, the most severe first (an error found late pushes out an
 * earlier note), each as its JSON text, and written in report order when the check ends; a notification says how
 * many were left out. `ruleIndex` is a rule's position in the order rules are first used.
 */

/** Code scanning's hard limit on results per run. */
export const MAX_RESULTS = 25_000;
const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

interface ResultText {
  json: string;
}

export class SarifReportWriter implements ReportWriter {
  private readonly output: ChunkedOutput;
  private readonly ruleIndex = new Map<string, number>();
  private readonly used: RuleMeta[] = [];
  /** In report order; a dropped one was pushed out by a more severe result. */
  private readonly results: Array<KeptItem<ResultText>> = [];
  private readonly budget: ImportanceBudget<ResultText>;
  private omitted = 0;

  constructor(
    write: WriteChunk,
    private readonly metas: RuleCatalog,
    private readonly maxResults = MAX_RESULTS,
  ) {
    this.output = new ChunkedOutput(write);
    this.budget = new ImportanceBudget<ResultText>(maxResults, (result) => {
      result.json = '';
      this.omitted++;
    });
  }

  begin(_settings: unknown, _preamble: CheckPreamble): void {}

  file(settings: FileSettings, _sql: string) {
    const keep = (findings: Finding[]) => {
      for (const finding of findings) {
        const kept = this.budget.offer(
          { json: JSON.stringify(this.result(finding, settings.file)) },
          SEVERITY_RANK[finding.severity],
        );
        if (kept) this.results.push(kept);
      }
    };
    return { statement: keep, end: keep };
  }

  fileEnd(): void {}

  finish(result: SafetyCheckResult<ReportSummary>): void {
    const notifications = result.errors.map((error) => ({
      level: 'error',
      message: { text: `${error.what} — ${error.fix}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: error.where?.file ?? 'input.sql' },
            region: { startLine: error.where?.line ?? 1, startColumn: error.where?.column ?? 1 },
          },
        },
      ],
    }));
    if (this.omitted > 0)
      notifications.push({
        level: 'warning',
        message: {
          text: `${this.omitted} less severe result(s) left out: code scanning rejects a run of more than ${this.maxResults.toLocaleString('en-US')} results. Run \`db-migration-agent check --format json\` for every finding.`,
        },
        locations: [],
      });
    const tool = { driver: { name: NAME, version: VERSION, rules: this.used.map(ruleDescriptor) } };
    const invocations = [
      { executionSuccessful: result.errors.length === 0, toolExecutionNotifications: notifications },
    ];
    this.output.write(
      `{"$schema":${JSON.stringify(SCHEMA)},"version":"2.1.0","runs":[{"tool":${JSON.stringify(tool)},"results":[`,
    );
    let first = true;
    for (const kept of this.results) {
      if (kept.dropped) continue;
      this.output.write(first ? kept.item.json : `,${kept.item.json}`);
      first = false;
    }
    const properties = { risk: result.risk, ...(this.omitted > 0 ? { omittedResults: this.omitted } : {}) };
    this.output.write(`],"invocations":${JSON.stringify(invocations)},"properties":${JSON.stringify(properties)}}]}\n`);
    this.output.flush();
  }

  private result(finding: Finding, file: string | undefined): object {
    const ruleIndex = this.indexOf(finding.ruleId);
    return {
      ruleId: finding.ruleId,
      ...(ruleIndex !== undefined ? { ruleIndex } : {}),
      level: SARIF_LEVEL[finding.severity],
      message: { text: finding.fix ? `${finding.message} Fix: ${finding.fix.summary}` : finding.message },
      locations: [location(finding, file)],
      properties: {
        statementIndex: finding.statementIndex,
        locks: finding.locks,
        ...(finding.estimatedLockSeconds !== undefined ? { estimatedLockSeconds: finding.estimatedLockSeconds } : {}),
      },
    };
  }

  /** The rule's position in the run's rule list, added on first use; undefined for a rule without metadata. */
  private indexOf(ruleId: string): number | undefined {
    let index = this.ruleIndex.get(ruleId);
    if (index !== undefined) return index;
    const meta = this.metas.get(ruleId);
    if (!meta) return undefined;
    index = this.used.length;
    this.used.push(meta);
    this.ruleIndex.set(ruleId, index);
    return index;
  }
}

function ruleDescriptor(meta: RuleMeta): object {
  return {
    id: meta.id,
    name: meta.id,
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.why },
    help: {
      text: `${meta.why}\n\nSafe alternative: ${meta.safeAlternative}`,
      markdown: `${meta.why}\n\n**Safe alternative:** ${meta.safeAlternative}`,
    },
    defaultConfiguration: { level: SARIF_LEVEL[meta.defaultSeverity] },
    properties: { category: meta.category, tags: [meta.category, 'postgresql', 'migration-safety'] },
  };
}

function location(finding: Finding, file: string | undefined): object {
  const origin = originOf(finding);
  if (origin) {
    return {
      physicalLocation: {
        artifactLocation: { uri: origin.file },
        region: { startLine: origin.line, ...(origin.column ? { startColumn: origin.column } : {}) },
      },
      message: { text: `SQL: ${finding.statement.split('\n', 1)[0] ?? ''}` },
    };
  }
  return {
    physicalLocation: {
      artifactLocation: { uri: finding.file ?? file ?? 'input.sql' },
      region: {
        startLine: finding.span.start.line,
        startColumn: finding.span.start.column,
        endLine: finding.span.end.line,
        endColumn: finding.span.end.column,
      },
    },
  };
}
