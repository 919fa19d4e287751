import { formatLocation } from '../errors.js';
import { describeDuration } from './estimate.js';
import {
  describeRisk,
  describeTarget,
  describeVersionSource,
  type FindingOrigin,
  type SafetyCheckResult,
} from './run.js';
import { SEVERITY_RANK } from './types.js';

/** A compact Markdown summary of a safety check for the human reading the agent's work. */
export function summarizeSafety(result: SafetyCheckResult, maxFindings = 15): string {
  const out: string[] = [];
  const statements = result.files.reduce((sum, report) => sum + report.statementCount, 0);
  const onlyPostgres = result.files.every((report) => report.engine === 'postgresql') && result.engine === 'postgresql';
  const target = onlyPostgres
    ? `PostgreSQL ${result.pgVersion}, ${describeVersionSource(result.pgVersionSource)}`
    : describeTarget(result);
  out.push(
    `**Risk: ${describeRisk(result)}** — ${result.counts.error} error(s), ${result.counts.warning} warning(s), ${result.counts.info} info in ${statements} statement(s) (${target}${result.assumeInTransaction ? ', wrapped in a transaction' : ''}).`,
  );
  for (const error of result.errors) {
    const partly = result.files.some((file) => file.notFullyChecked && file.file === error.where?.file);
    out.push(
      `- ✗ ${formatLocation(error.where ?? {})} ${partly ? 'checked only up to here: ' : 'not checked: '}${error.what.split('\n')[0]}`,
    );
  }
  if (result.files.length === 0) out.push('- ✗ No file was checked.');
  // The most severe first (report order among equals), so an error late in a long migration is never hidden.
  const ranked = result.files
    .flatMap((report) => report.findings.map((finding) => ({ report, finding })))
    .sort((a, b) => SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity]);
  const shown = ranked.slice(0, maxFindings);
  for (const { report, finding } of shown) {
    const lock = finding.locks[0]
      ? ` [${finding.locks[0].mode}${finding.estimatedLockSeconds ? `, ~${describeDuration(finding.estimatedLockSeconds)}` : ''}]`
      : '';
    const fix = finding.fix ? ` Fix: ${finding.fix.summary}` : '';
    const origin = (finding as { origin?: FindingOrigin }).origin;
    const where = origin
      ? `${origin.file}:${origin.line}${origin.column ? `:${origin.column}` : ''} (SQL: ${firstLine(finding.statement)})`
      : `${report.file ?? '<input>'}:${finding.span.start.line}:${finding.span.start.column}`;
    out.push(`- ${finding.severity} \`${finding.ruleId}\` ${where}${lock} — ${finding.message}${fix}`);
  }
  const total = result.counts.error + result.counts.warning + result.counts.info;
  if (total > shown.length)
    out.push(
      `- … ${total - shown.length} more finding(s): the structured result lists each file's most severe (up to maxFindings), with exact counts.`,
    );
  for (const report of result.files) {
    const failing = report.checklist.filter((item) => item.status !== 'pass');
    const label = result.files.length > 1 ? ` (${report.file})` : '';
    out.push(
      `Checklist${label}: ${report.checklist.map((item) => `${item.status === 'pass' ? '✓' : item.status === 'fail' ? '✗' : '?'} ${item.title}`).join(' · ')}`,
    );
    for (const item of failing) out.push(`  - ${item.title}: ${item.evidence[0] ?? ''}`);
  }
  for (const note of result.notes.slice(0, 10)) out.push(`Note: ${note}`);
  if (result.notes.length > 10) out.push(`- … ${result.notes.length - 10} more note(s) in the structured result.`);
  return out.join('\n');
}

function firstLine(sql: string): string {
  const line = sql.split('\n', 1)[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
