import type { StatementSink, ValidateOptions } from './engine.js';
import type { ReportSummary } from './report.js';
import type { RuleMeta } from './types.js';

/**
 * What every engine's safety check provides. The shared part (inputs, configuration, report, checklist, risk,
 * output writers) sits above it in src/safety/; each engine keeps its parser, statement model, rules and lock or
 * algorithm facts in src/engines/<engine>/safety/. Adding an engine is adding a folder and one line in
 * safety-engines.ts.
 */

export type SafetyEngineName = 'postgresql' | 'mysql' | 'sqlite';

export interface SafetyEngine {
  name: SafetyEngineName;
  /** Its rules' and its own findings' metadata: docs, the rule catalog, configuration and ignore comments. */
  ruleMeta(): RuleMeta[];
  /**
   * The note the check gives once about the server version `version` names (undefined: not given), e.g. what
   * is unknown without one; throws a usage error for a version this engine cannot read.
   */
  versionNote?(version: string | undefined): string | undefined;
  /** Checks one migration's SQL, handing findings to `sink` in report order; returns the rest of the report. */
  check(sql: string, options: ValidateOptions, sink: StatementSink): Promise<ReportSummary>;
}
