import { LineIndex } from '../sql/positions.js';
import { NAME, VERSION } from '../version.js';
import { describeDuration } from './estimate.js';
import { jsonDocumentParts } from './json-stream.js';
import type { ChecklistItem, ValidationReport } from './report.js';
import { describeVersionSource, type FindingOrigin, type SafetyCheckResult } from './run.js';
import type { Finding, RuleMeta, Severity } from './types.js';

/**
 * Output formats of a safety check: `text` (compiler-style, for terminals), `json` (the result with rule
 * metadata written once: see json-output.ts),
 * `sarif` (2.1.0, for code-scanning UIs), `github` (workflow annotations) and `markdown` (a PR comment).
 */

export const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export interface FormatContext {
  /** SQL text per file, for source lines under findings. */
  sources: Map<string, string>;
  /** Rule metadata by id (for SARIF rule descriptors). */
  rules: Map<string, RuleMeta>;
}

export function formatResult(result: SafetyCheckResult, format: OutputFormat, context: FormatContext): string {
  return [...formatParts(result, format, context)].join('');
}

/**
 * The output in pieces, so a huge report is written without building one giant string (which V8 would
 * store two bytes a character as soon as one character is outside Latin-1).
 */
export function* formatParts(
  result: SafetyCheckResult,
  format: OutputFormat,
  context: FormatContext,
): Generator<string> {
  switch (format) {
    case 'json':
      yield* jsonDocumentParts(result, context.rules);
      break;
    case 'sarif':
      yield* jsonParts(toSarif(result, context), isLarge(result));
      break;
    case 'github':
      yield* githubParts(result);
      break;
    case 'markdown':
      yield* markdownParts(result);
      break;
    default:
      yield* textParts(result, context);
  }
}

function isLarge(result: SafetyCheckResult): boolean {
  let items = 0;
  for (const report of result.files) items += report.findings.length + report.locks.length;
  return items > 400;
}

/** Small reports are indented for reading; large ones are compact and streamed element by element. */
function* jsonParts(value: object, large: boolean): Generator<string> {
  if (!large) {
    yield `${JSON.stringify(value, null, 2)}\n`;
    return;
  }
  yield* streamJson(value, 0);
  yield '\n';
}

const JSON_BATCH = 256;

function* streamJson(value: unknown, depth: number): Generator<string> {
  if (depth > 3 || value === null || typeof value !== 'object') {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  if (Array.isArray(value) && depth === 3) {
    // The long lists (findings, locks): serialised a few hundred elements at a time, not element by element.
    yield '[';
    for (let start = 0; start < value.length; start += JSON_BATCH) {
      const text = JSON.stringify(value.slice(start, start + JSON_BATCH));
      yield `${start > 0 ? ',' : ''}${text.slice(1, -1)}`;
    }
    yield ']';
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) yield ',';
      yield* streamJson(value[index] === undefined ? null : value[index], depth + 1);
    }
    yield ']';
    return;
  }
  yield '{';
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === 'function') continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    yield* streamJson(item, depth + 1);
    first = false;
  }
  yield '}';
}

const STATUS_MARK: Record<ChecklistItem['status'], string> = { pass: '[x]', fail: '[ ]', unknown: '[?]' };

// ---- text ------------------------------------------------------------------------------------------------

export function formatText(result: SafetyCheckResult, context: FormatContext): string {
  return [...textParts(result, context)].join('');
}

function* textParts(result: SafetyCheckResult, context: FormatContext): Generator<string> {
  for (const error of result.errors) {
    const where = error.where
      ? `${error.where.file ?? '<input>'}:${error.where.line ?? 1}:${error.where.column ?? 1}: `
      : '';
    yield `${where}error: ${error.what}\n  fix: ${error.fix}\n\n`;
  }
  for (const note of result.notes) yield `note: ${note}\n`;
  if (result.notes.length > 0) yield '\n';
  for (const report of result.files) {
    const lines = new LineIndex(context.sources.get(report.file ?? '<input>') ?? '');
    for (const finding of report.findings) yield `${formatFindingText(finding, report, lines)}\n`;
  }
  yield formatSummaryText(result);
}

/** The source line of a statement compiled from code (knex, TypeORM …), when there is one. */
function originOf(finding: Finding): FindingOrigin | undefined {
  return (finding as Finding & { origin?: FindingOrigin }).origin;
}

/** Where to point an editor: the `.ts` line for compiled SQL, else the SQL position. */
function sourceLocation(finding: Finding, report: ValidationReport): { file: string; line: number; column: number } {
  const origin = originOf(finding);
  if (origin) return { file: origin.file, line: origin.line, column: origin.column ?? 1 };
  return { file: finding.file ?? report.file ?? '<input>', ...finding.span.start };
}

function formatFindingText(finding: Finding, report: ValidationReport, lines: LineIndex): string {
  const location = sourceLocation(finding, report);
  const { start, end } = finding.span;
  const parts: string[] = [
    `${location.file}:${location.line}:${location.column}: ${finding.severity}[${finding.ruleId}] ${finding.message}`,
  ];
  if (originOf(finding)) parts.push(` --> SQL compiled from that line (line ${start.line} of the migration's SQL):`);
  const source = lines.text.length > 0 ? lines.lineText(start.line) : (finding.statement.split('\n', 1)[0] ?? '');
  const gutter = String(start.line).length;
  const pad = ' '.repeat(gutter);
  const markEnd = end.line === start.line ? Math.max(end.column, start.column + 1) : source.length + 1;
  const width = Math.max(1, markEnd - start.column);
  parts.push(`${pad} |`);
  parts.push(`${start.line} | ${source}`);
  parts.push(`${pad} | ${' '.repeat(Math.max(0, start.column - 1))}^${'~'.repeat(width - 1)}`);
  for (const lock of finding.locks) {
    const estimate =
      finding.estimatedLockSeconds && finding.estimatedLockSeconds > 0
        ? `, est. ${describeDuration(finding.estimatedLockSeconds)}`
        : '';
    parts.push(
      `${pad} = lock: ${lock.mode} on ${lock.on}${finding.table ? ` ${finding.table}` : ''} (blocks ${lock.blocks})${estimate}`,
    );
  }
  parts.push(`${pad} = why: ${finding.why}`);
  if (finding.fix) {
    parts.push(`${pad} = fix: ${finding.fix.summary}`);
    finding.fix.steps.forEach((step, index) => {
      const flags = [
        step.outsideTransaction ? 'outside a transaction' : '',
        step.separateMigration ? 'separate migration' : '',
      ].filter(Boolean);
      parts.push(`${pad}   ${index + 1}. ${step.description}${flags.length > 0 ? ` [${flags.join(', ')}]` : ''}`);
      for (const line of step.sql.split('\n')) parts.push(`${pad}      ${line}`);
    });
  }
  return `${parts.join('\n')}\n`;
}

function formatSummaryText(result: SafetyCheckResult): string {
  const out: string[] = [];
  const statements = result.files.reduce((sum, report) => sum + report.statementCount, 0);
  out.push(
    `Checked ${result.files.length} file(s), ${statements} statement(s) for PostgreSQL ${result.pgVersion} (${describeVersionSource(result.pgVersionSource)}): ${result.counts.error} error(s), ${result.counts.warning} warning(s), ${result.counts.info} info.`,
  );
  if (result.errors.length > 0)
    out.push(`Not checked: ${result.errors.length} input(s) could not be read (see above).`);
  out.push(`Risk: ${result.risk}`);
  for (const report of result.files) {
    if (result.files.length > 1) out.push(`\n${report.file ?? '<input>'} — risk ${report.risk}`);
    const blocking = report.locks.filter((summary) =>
      summary.locks.some((lock) => lock.mode !== 'ROW EXCLUSIVE' && lock.mode !== 'ACCESS SHARE'),
    );
    if (blocking.length > 0) {
      out.push('Locks:');
      for (const summary of blocking.slice(0, 20)) {
        const locks = summary.locks
          .map(
            (lock) =>
              `${lock.mode} on ${lock.table} (blocks ${lock.blocks}${lock.estimatedLockSeconds ? `, est. ${describeDuration(lock.estimatedLockSeconds)}` : ''})`,
          )
          .join('; ');
        const origin = (summary as { origin?: FindingOrigin }).origin;
        const at = origin ? `${origin.file}:${origin.line}` : `line ${summary.span.start.line}`;
        out.push(`  ${at}: ${summary.text} → ${locks}`);
      }
      if (blocking.length > 20)
        out.push(`  … ${blocking.length - 20} more statement(s) take locks (see --format json)`);
    }
    out.push('Safety checklist:');
    for (const item of report.checklist) {
      out.push(`  ${STATUS_MARK[item.status]} ${item.title}: ${item.status}`);
      for (const evidence of item.evidence.slice(0, 5)) out.push(`      ${evidence}`);
      if (item.evidence.length > 5) out.push(`      … ${item.evidence.length - 5} more`);
    }
    if (report.suppressed.length > 0) out.push(`Ignored by comments: ${report.suppressed.length} finding(s).`);
    for (const error of report.ruleErrors) out.push(`internal: ${error}`);
  }
  return `${out.join('\n')}\n`;
}

/** Lines of output, each ending in a newline. */
function lines(...texts: string[]): string {
  return texts.map((text) => `${text}\n`).join('');
}

// ---- github ----------------------------------------------------------------------------------------------

const GITHUB_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(result: SafetyCheckResult): string {
  return [...githubParts(result)].join('');
}

function* githubParts(result: SafetyCheckResult): Generator<string> {
  for (const error of result.errors) {
    const file = error.where?.file ?? '<input>';
    yield lines(
      `::error file=${escapeProperty(file)},line=${error.where?.line ?? 1},col=${error.where?.column ?? 1},title=${escapeProperty(error.code === 'sql-syntax' ? 'SQL syntax error' : 'Not checked')}::${escapeData(`${error.what}\n${error.fix}`)}`,
    );
  }
  for (const report of result.files) {
    for (const finding of report.findings) {
      const { file } = sourceLocation(finding, report);
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
      yield lines(
        `::${GITHUB_LEVEL[finding.severity]} file=${escapeProperty(file)},line=${start.line},col=${start.column},endLine=${end.line},endColumn=${end.column},title=${escapeProperty(`${finding.ruleId}: ${finding.title}`)}::${escapeData(`${finding.message}${fix}`)}`,
      );
    }
  }
  yield lines(
    `Risk: ${result.risk} — ${result.counts.error} error(s), ${result.counts.warning} warning(s), ${result.counts.info} info.`,
  );
}

// ---- markdown --------------------------------------------------------------------------------------------

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function formatMarkdown(result: SafetyCheckResult): string {
  return [...markdownParts(result)].join('');
}

function* markdownParts(result: SafetyCheckResult): Generator<string> {
  yield lines('## Migration safety check', '');
  yield lines(
    `**Risk: ${result.risk}** — ${result.counts.error} error(s), ${result.counts.warning} warning(s), ${result.counts.info} info · PostgreSQL ${result.pgVersion}`,
    '',
  );
  for (const error of result.errors) {
    yield lines(
      `- :x: \`${error.where?.file ?? '<input>'}:${error.where?.line ?? 1}:${error.where?.column ?? 1}\` ${cell(error.what)}`,
    );
  }
  for (const report of result.files) {
    yield lines(`### \`${report.file ?? '<input>'}\` — risk ${report.risk}`, '');
    if (report.findings.length > 0) {
      yield lines('| Line | Severity | Rule | Finding | Lock |', '|---|---|---|---|---|');
      for (const finding of report.findings) {
        const lock = finding.locks.map((claim) => `${claim.mode} (blocks ${claim.blocks})`).join(', ') || '—';
        const origin = originOf(finding);
        const at = origin
          ? `${origin.file}:${origin.line}${origin.column ? `:${origin.column}` : ''}`
          : `${finding.span.start.line}:${finding.span.start.column}`;
        yield lines(
          `| ${at} | ${finding.severity} | \`${finding.ruleId}\` | ${cell(finding.message)} | ${cell(lock)} |`,
        );
      }
      yield lines('');
      for (const finding of report.findings.filter((each) => each.fix)) {
        yield lines(
          `<details><summary>Fix for <code>${finding.ruleId}</code> at line ${finding.span.start.line}: ${cell(finding.fix?.summary ?? '')}</summary>`,
          '',
        );
        for (const [index, step] of (finding.fix?.steps ?? []).entries()) {
          const flags = [
            step.outsideTransaction ? 'outside a transaction' : '',
            step.separateMigration ? 'separate migration' : '',
          ].filter(Boolean);
          yield lines(
            `${index + 1}. ${step.description}${flags.length > 0 ? ` _(${flags.join(', ')})_` : ''}`,
            '',
            '```sql',
            step.sql,
            '```',
            '',
          );
        }
        yield lines('</details>', '');
      }
    } else {
      yield lines('No findings.', '');
    }
    yield lines('**Safety checklist**', '');
    for (const item of report.checklist) {
      yield lines(`- ${STATUS_MARK[item.status]} ${item.title} — **${item.status}**`);
      for (const evidence of item.evidence.slice(0, 5)) yield lines(`  - ${cell(evidence)}`);
    }
    yield lines('');
  }
}

// ---- sarif -----------------------------------------------------------------------------------------------

function sarifLocation(finding: Finding, report: ValidationReport): object {
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
      artifactLocation: { uri: finding.file ?? report.file ?? 'input.sql' },
      region: {
        startLine: finding.span.start.line,
        startColumn: finding.span.start.column,
        endLine: finding.span.end.line,
        endColumn: finding.span.end.column,
      },
    },
  };
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

export function toSarif(result: SafetyCheckResult, context: FormatContext): object {
  const used = new Set(result.files.flatMap((report) => report.findings.map((finding) => finding.ruleId)));
  const rules = [...context.rules.values()]
    .filter((meta) => used.has(meta.id))
    .map((meta) => ({
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
    }));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = result.files.flatMap((report) =>
    report.findings.map((finding) => ({
      ruleId: finding.ruleId,
      ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
      level: SARIF_LEVEL[finding.severity],
      message: { text: finding.fix ? `${finding.message} Fix: ${finding.fix.summary}` : finding.message },
      locations: [sarifLocation(finding, report)],
      properties: {
        statementIndex: finding.statementIndex,
        locks: finding.locks,
        ...(finding.estimatedLockSeconds !== undefined ? { estimatedLockSeconds: finding.estimatedLockSeconds } : {}),
      },
    })),
  );
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
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: NAME, version: VERSION, rules } },
        results,
        invocations: [{ executionSuccessful: result.errors.length === 0, toolExecutionNotifications: notifications }],
        properties: { risk: result.risk },
      },
    ],
  };
}
