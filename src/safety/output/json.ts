import type { StatementSummary, SuppressedFinding, ValidationReport } from '../report.js';
import type { FindingOrigin, SafetyCheckResult } from '../run.js';
import type { ChangeCategory, Finding, Fix, LockClaim, RuleCatalog, RuleMeta, Severity } from '../types.js';

/**
 * The `--format json` document. Rule metadata (title, why, safe alternative, locks …) is written once, in a
 * top-level `rules` object keyed by rule id, the way SARIF lists `tool.driver.rules`; each finding keeps only
 * what is its own, and refers to its statement by `statementIndex`, whose text is written once per file in
 * `statements` (only statements that have findings). On the 50,000-statement bench file: 61 MB instead of 79 MB.
 *
 * A finding repeats `locks`, `rewritesTable`, `scansTable`, `breaksOldCode`, `title`, `category` or `why`
 * only when its value differs from its rule's (e.g. large-table-lock names the lock it measured).
 *
 * json-stream.ts writes this document, indented when small and, for a large report, compact and while the check
 * runs (the same content, in an order that allows it).
 */

export interface JsonRule {
  title: string;
  category: ChangeCategory;
  defaultSeverity?: Severity;
  why: string;
  safeAlternative?: string;
  locks: LockClaim[];
  rewritesTable: boolean;
  scansTable: boolean;
  breaksOldCode: boolean;
  /** The rule's documentation in this repository (`check --explain <id>` prints it); built-in rules only. */
  docs?: string;
}

export interface JsonFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  file?: string;
  statementIndex: number;
  span: Finding['span'];
  table?: string;
  estimatedLockSeconds?: number;
  /** The `.ts`/`.js` line the SQL was compiled from (knex, TypeORM, Sequelize). */
  origin?: FindingOrigin;
  fix?: Fix;
  title?: string;
  category?: ChangeCategory;
  why?: string;
  locks?: LockClaim[];
  rewritesTable?: boolean;
  scansTable?: boolean;
  breaksOldCode?: boolean;
}

export interface JsonFileReport extends Omit<ValidationReport, 'findings'> {
  findings: JsonFinding[];
  /** Statement text by statement index (as a string key), for the statements that have findings. */
  statements: Record<string, string>;
  suppressed: SuppressedFinding[];
  locks: StatementSummary[];
}

export interface JsonDocument extends Omit<SafetyCheckResult, 'files'> {
  rules: Record<string, JsonRule>;
  files: JsonFileReport[];
}

export function toJsonDocument(result: SafetyCheckResult, metas: RuleCatalog): JsonDocument {
  const rules = rulesOf(result, metas);
  const files = result.files.map((report) => {
    const { findings, ...rest } = report;
    return {
      ...rest,
      findings: findings.map((finding) => compactFinding(finding, rules[finding.ruleId] as JsonRule)),
      statements: Object.fromEntries(statementTexts(findings)),
    };
  });
  const { files: _files, errors, notes, ...summary } = result;
  return { ...summary, rules, files, errors, notes };
}

/** The text of each statement that has findings, once, in statement order as the findings come. */
function* statementTexts(findings: readonly Finding[]): Generator<[string, string]> {
  const seen = new Set<number>();
  for (const finding of findings) {
    if (seen.has(finding.statementIndex)) continue;
    seen.add(finding.statementIndex);
    yield [String(finding.statementIndex), finding.statement];
  }
}

/** The metadata of every rule that has a finding, keyed by rule id, in id order. */
function rulesOf(result: SafetyCheckResult, metas: RuleCatalog): Record<string, JsonRule> {
  const rules = new Map<string, JsonRule>();
  for (const report of result.files)
    for (const finding of report.findings)
      if (!rules.has(finding.ruleId)) rules.set(finding.ruleId, jsonRule(finding, metas.get(finding.ruleId)));
  return Object.fromEntries([...rules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function jsonRule(finding: Finding, meta: RuleMeta | undefined): JsonRule {
  // A rule not in the catalog passed in (a caller's own rule) is described by its first finding.
  const source = meta ?? finding;
  return {
    title: source.title,
    category: source.category,
    ...(meta ? { defaultSeverity: meta.defaultSeverity } : {}),
    why: source.why,
    ...(meta ? { safeAlternative: meta.safeAlternative } : {}),
    locks: source.locks,
    rewritesTable: source.rewritesTable,
    scansTable: source.scansTable,
    breaksOldCode: source.breaksOldCode,
    ...(meta ? { docs: `docs/rules/${finding.ruleId}.md` } : {}),
  };
}

export function compactFinding(finding: Finding, rule: JsonRule): JsonFinding {
  const origin = (finding as Finding & { origin?: FindingOrigin }).origin;
  // Assigned field by field in the document's key order: huge reports compact tens of thousands of findings,
  // and conditional spreads would allocate a throw-away object per optional field.
  const compact: Record<string, unknown> = {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
  };
  if (finding.file !== undefined) compact.file = finding.file;
  compact.statementIndex = finding.statementIndex;
  compact.span = finding.span;
  if (finding.table !== undefined) compact.table = finding.table;
  if (finding.estimatedLockSeconds !== undefined) compact.estimatedLockSeconds = finding.estimatedLockSeconds;
  if (origin) compact.origin = origin;
  if (finding.fix) compact.fix = finding.fix;
  if (finding.title !== rule.title) compact.title = finding.title;
  if (finding.category !== rule.category) compact.category = finding.category;
  if (finding.why !== rule.why) compact.why = finding.why;
  if (!sameLocks(finding.locks, rule.locks)) compact.locks = finding.locks;
  if (finding.rewritesTable !== rule.rewritesTable) compact.rewritesTable = finding.rewritesTable;
  if (finding.scansTable !== rule.scansTable) compact.scansTable = finding.scansTable;
  if (finding.breaksOldCode !== rule.breaksOldCode) compact.breaksOldCode = finding.breaksOldCode;
  return compact as unknown as JsonFinding;
}

function sameLocks(a: LockClaim[], b: LockClaim[]): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
