import { GithubReportWriter } from './output/github.js';
import { GitlabReportWriter } from './output/gitlab.js';
import { JsonReportWriter } from './output/json-stream.js';
import { MarkdownReportWriter } from './output/markdown.js';
import { SarifReportWriter } from './output/sarif.js';
import { TextReportWriter } from './output/text.js';
import { type ReportWriter, replayResult, type WriteChunk } from './report-writer.js';
import type { SafetyCheckResult } from './run.js';
import type { RuleCatalog } from './types.js';

/**
 * Output formats of a safety check: `text` (compiler-style, for terminals), `json` (the result with rule
 * metadata written once: see output/json.ts), `sarif` (2.1.0, for code-scanning UIs), `github` (workflow
 * annotations) and `markdown` (a PR comment) and `gitlab`
 * (Code Quality JSON for merge requests). Each is a ReportWriter: `check` writes the report while it checks,
 * and a finished result is replayed through the same writer.
 */

export const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown', 'gitlab'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export interface FormatContext {
  /** SQL text per file, for source lines under findings. */
  sources: ReadonlyMap<string, string>;
  /** Rule metadata by id (rule descriptors of json and sarif). */
  rules: RuleCatalog;
}

export function reportWriter(format: OutputFormat, write: WriteChunk, rules: RuleCatalog): ReportWriter {
  switch (format) {
    case 'json':
      return new JsonReportWriter(write, rules);
    case 'sarif':
      return new SarifReportWriter(write, rules);
    case 'github':
      return new GithubReportWriter(write);
    case 'markdown':
      return new MarkdownReportWriter(write);
    case 'gitlab':
      return new GitlabReportWriter(write);
    default:
      return new TextReportWriter(write);
  }
}

export function formatResult(result: SafetyCheckResult, format: OutputFormat, context: FormatContext): string {
  return formatParts(result, format, context).join('');
}

/** A finished check's output, in the pieces its writer wrote. */
export function formatParts(result: SafetyCheckResult, format: OutputFormat, context: FormatContext): string[] {
  const parts: string[] = [];
  replayResult(
    result,
    reportWriter(format, (chunk) => parts.push(chunk), context.rules),
    context.sources,
  );
  return parts;
}
