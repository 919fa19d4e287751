import { NAME, VERSION } from '../version.js';
import { originOf } from './finding-origin.js';
import type { ReportSummary } from './report.js';
import { ChunkedOutput, type ReportWriter, type WriteChunk } from './report-writer.js';
import type { CheckPreamble, FileSettings, SafetyCheckResult } from './run.js';
import type { Finding, RuleMeta, Severity } from './types.js';

/**
 * `check --format sarif`: SARIF 2.1.0 for code-scanning UIs (GitHub code scanning, VS Code's SARIF viewer),
 * written while the check runs. Results come first and the rules they use after them (`ruleIndex` is a position
 * in that list, in the order rules are first used), with the errors as tool notifications and the risk as a run
 * property.
 */

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

export class SarifReportWriter implements ReportWriter {
  private readonly output: ChunkedOutput;
  private readonly ruleIndex = new Map<string, number>();
  private readonly used: RuleMeta[] = [];
  private results = 0;

  constructor(
    write: WriteChunk,
    private readonly metas: ReadonlyMap<string, RuleMeta>,
  ) {
    this.output = new ChunkedOutput(write);
  }

  begin(_settings: unknown, _preamble: CheckPreamble): void {
    this.output.write(`{"$schema":${JSON.stringify(SCHEMA)},"version":"2.1.0","runs":[{"results":[`);
  }

  file(settings: FileSettings, _sql: string) {
    const write = (findings: Finding[]) => {
      for (const finding of findings) {
        const text = JSON.stringify(this.result(finding, settings.file));
        this.output.write(this.results++ > 0 ? `,${text}` : text);
      }
    };
    return { statement: write, end: write };
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
    const tool = { driver: { name: NAME, version: VERSION, rules: this.used.map(ruleDescriptor) } };
    const invocations = [
      { executionSuccessful: result.errors.length === 0, toolExecutionNotifications: notifications },
    ];
    this.output.write(
      `],"tool":${JSON.stringify(tool)},"invocations":${JSON.stringify(invocations)},"properties":${JSON.stringify({ risk: result.risk })}}]}\n`,
    );
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
