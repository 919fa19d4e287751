import type { Statement } from '../model.js';
import { LineIndex } from '../sql/positions.js';
import { scriptComments } from '../sql/script-comments.js';
import { splitSql } from '../sql/split.js';
import type { ParserDialect } from '../sql/sql-parser.js';
import { MigrationCatalog } from './catalog.js';
import { columnsOf, type DdlColumns } from './ddl-columns.js';
import { type AlterAction, type DdlKind, type DdlStatement, modelStatement } from './ddl-model.js';
import {
  DEFAULT_LARGE_TABLE_ROWS,
  firstLine,
  flattenStrings,
  resolveIgnores,
  type StatementSink,
  toFinding,
  type ValidateOptions,
} from './engine.js';
import { estimateSeconds } from './estimate.js';
import { emptyFacts, type MigrationFacts } from './facts.js';
import { mayContainDirectives, parseDirectives } from './ignores.js';
import {
  type AlgorithmLockEntry,
  addLocks,
  buildReport,
  citable,
  emptyLockFacts,
  type FindingDigest,
  type ReportSummary,
  type SuppressedFinding,
  sortFindings,
} from './report.js';
import type { SafetyEngineName } from './safety-engine.js';
import type { Finding, MigrationEndHit, RuleHit, RuleMeta, Severity } from './types.js';

/**
 * The check for engines whose rules read the statement model of ddl-model.ts (MySQL/MariaDB, SQLite): split,
 * model, run each rule on the statements it applies to, keep what the session has set (lock_wait_timeout,
 * PRAGMA foreign_keys …) and which tables this file created, then hand findings to the sink and answer the
 * shared report and checklist.
 */

export interface DdlSession {
  /** SET / PRAGMA values seen so far, by lower-case name. */
  readonly settings: ReadonlyMap<string, string>;
  /** Tables created earlier in this file (lower case) with their columns. */
  readonly created: ReadonlyMap<string, DdlStatement>;
  /** An explicit BEGIN / START TRANSACTION is open. */
  readonly inTransaction: boolean;
  /** Column definitions earlier statements (of this file and the check's earlier files) gave. */
  readonly columns: Pick<DdlColumns, 'column' | 'indexed' | 'charsetOf' | 'strict'>;
}

export interface DdlRuleContext {
  statement: DdlStatement;
  file: string | undefined;
  session: DdlSession;
  largeTableRows: number;
  /** Known row count of a table (from options, configuration or statistics). */
  rowCount(table: string): number | undefined;
  /** The table was created earlier in this file: its locks harm no one and it has no old data. */
  createdHere(table: string): boolean;
  /** The statements before this one in the file. */
  earlier: readonly DdlStatement[];
  /** The server version the caller named (--engine-version), as written. */
  engineVersion: string | undefined;
}

export interface DdlEndContext {
  file: string | undefined;
  statements: readonly DdlStatement[];
}

export interface DdlRule {
  meta: RuleMeta;
  /** Statement kinds the check can flag; every statement when absent. */
  appliesTo?: readonly DdlKind[];
  check?(context: DdlRuleContext): RuleHit[];
  finish?(context: DdlEndContext): MigrationEndHit[];
}

export interface DdlEngineSpec {
  name: SafetyEngineName;
  dialect: ParserDialect;
  rules: readonly DdlRule[];
  /** The locks a statement takes on a table that existed, for the report's per-statement lock summary. */
  locks?(context: DdlRuleContext): AlgorithmLockEntry[];
}

export async function checkDdl(
  spec: DdlEngineSpec,
  sql: string,
  options: ValidateOptions,
  sink: StatementSink,
): Promise<ReportSummary> {
  const severityOf = options.ruleSeverity ?? {};
  const rules = spec.rules.filter((rule) => severityOf[rule.meta.id] !== 'off');
  const largeTableRows = options.largeTableRows ?? DEFAULT_LARGE_TABLE_ROWS;
  const rowCounts = lowerKeys(options.rowCounts ?? {});
  const settings = new Map<string, string>();
  const created = new Map<string, DdlStatement>();
  /** Tables whose rows an INSERT … SELECT copied (the copy step of a rebuild). */
  const copied = new Set<string>();
  // The migration tool's own transaction (Prisma, Knex …) counts like an explicit BEGIN.
  let inTransaction = options.assumeInTransaction ?? false;
  const columns = columnsOf(typeof options.catalog === 'object' ? options.catalog : undefined);
  const session: DdlSession = {
    settings,
    created,
    columns,
    get inTransaction() {
      return inTransaction;
    },
  };
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const digests: FindingDigest[] = [];
  const facts = emptyFacts();
  const lockFacts = emptyLockFacts();
  const ruleErrors: string[] = [];
  const statements: DdlStatement[] = [];
  const dialect = spec.dialect === 'sqlite' ? 'sqlite' : 'mysql';
  const splits = splitSql(sql, dialect);
  const directives = mayContainDirectives(sql) ? parseDirectives(scriptComments(sql, dialect)) : [];
  const known = new Set(spec.rules.map((rule) => rule.meta.id));
  const starts = splits.map((split) => split.offset.start);
  const ignores = resolveIgnores(directives, starts, new LineIndex(sql), known);
  const suppressed: SuppressedFinding[] = [];
  /** The findings no ignore comment silences, counted and in report order; the others go to `suppressed`. */
  const keep = (candidates: Finding[]): Finding[] => {
    const findings = candidates.filter((finding) => {
      const reason = ignores.reasonFor(finding.statementIndex, finding.ruleId);
      if (reason === undefined) return true;
      suppressed.push({
        ruleId: finding.ruleId,
        statementIndex: finding.statementIndex,
        line: finding.span.start.line,
        reason,
      });
      return false;
    });
    sortFindings(findings);
    for (const finding of findings) {
      counts[finding.severity]++;
      flattenStrings(finding);
      // Only what risk and checklist read: the finding itself is the sink's to write and let go.
      if (citable(finding))
        digests.push({
          ruleId: finding.ruleId,
          title: finding.title,
          severity: finding.severity,
          category: finding.category,
          breaksOldCode: finding.breaksOldCode,
          span: { start: { line: finding.span.start.line } },
        });
    }
    return findings;
  };
  const rowCount = (table: string) => {
    const key = table.toLowerCase();
    return rowCounts.get(key) ?? rowCounts.get(key.split('.').pop() ?? key);
  };
  const createdHere = (table: string) => created.has(table.toLowerCase());

  for (let at = 0; at < splits.length; at++) {
    const split = splits[at] as Statement;
    // Let each split go once it is modelled: a 50,000-statement file's splits would otherwise live to the end.
    (splits as Array<Statement | undefined>)[at] = undefined;
    const statement = modelStatement(split, statements.length, spec.dialect);
    const context: DdlRuleContext = {
      statement,
      file: options.file,
      session,
      largeTableRows,
      rowCount,
      createdHere,
      earlier: statements,
      engineVersion: options.engineVersion,
    };
    const findings: Finding[] = ignores.unknownAt(statement.index);
    for (const rule of rules) {
      if (!rule.check || (rule.appliesTo && !rule.appliesTo.includes(statement.kind))) continue;
      try {
        for (const hit of rule.check(context))
          findings.push(toFinding(rule.meta, hit, { ...context, index: statement.index }, severityOf[rule.meta.id]));
      } catch (error) {
        ruleErrors.push(
          `${rule.meta.id} failed on statement ${statement.index + 1} (line ${statement.span.start.line}): ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    collectDdlFacts(facts, statement, createdHere, copied);
    statements.push(kept(statement));
    const locks = spec.locks?.(context) ?? [];
    for (const lock of locks)
      if (lock.rows !== undefined && (lock.rewrite || lock.scan))
        lock.estimatedLockSeconds = estimateSeconds(lock.rewrite ? 'rewrite' : 'indexBuild', lock.rows);
    const summary = {
      index: statement.index,
      kind: statement.kind,
      span: statement.span,
      text: firstLine(statement.sql),
      inTransaction,
      locks,
      findings: findings.length,
    };
    sink.statement(keep(findings), locks.length > 0 ? summary : undefined);
    if (locks.length > 0) addLocks(lockFacts, summary, largeTableRows);
    columns.apply(statement);
    // The session as the next statement sees it.
    if (statement.setting) settings.set(statement.setting.name, statement.setting.value);
    if (statement.kind === 'begin') inTransaction = true;
    if (statement.kind === 'commit' || statement.kind === 'rollback') inTransaction = false;
    if (statement.kind === 'create-table' && statement.table) created.set(statement.table.toLowerCase(), statement);
    if (statement.selectsFrom) copied.add(statement.selectsFrom.toLowerCase());
  }

  const end: Finding[] = ignores.unknownAfter(statements.length);
  for (const rule of rules) {
    if (!rule.finish) continue;
    for (const hit of rule.finish({ file: options.file, statements })) {
      const at = { file: options.file, index: hit.at.index, statement: { span: hit.at.span, sql: hit.at.sql } };
      end.push(toFinding(rule.meta, hit, at, severityOf[rule.meta.id]));
    }
  }
  sink.end(keep(end));
  const report = buildReport({
    statementCount: statements.length,
    counts,
    findings: digests,
    suppressed,
    locks: lockFacts,
    facts,
    ruleErrors,
    allInTransaction: false,
    catalog: new MigrationCatalog(options.rowCounts),
    options: { ...options, engine: spec.name },
    down: undefined,
  });
  return report;
}

/** What the checklist reads: data loss, renames that break running code, statements that cannot run twice. */
function collectDdlFacts(
  facts: MigrationFacts,
  statement: DdlStatement,
  createdHere: (table: string) => boolean,
  copied: ReadonlySet<string>,
) {
  facts.statementCount++;
  const at = (what: string) => ({ index: statement.index, line: statement.span.start.line, what });
  const table = statement.table ?? '';
  const existing = table !== '' && !createdHere(table);
  // A table rebuild copies the rows out before dropping the old table: that drop loses nothing.
  if (statement.kind === 'drop-table' && existing && !copied.has(table.toLowerCase()))
    facts.dataLoss.push(at(`DROP TABLE ${table}`));
  if ((statement.kind === 'delete' || statement.kind === 'update') && statement.unfiltered && existing)
    facts.dataLoss.push(at(`${statement.kind.toUpperCase()} of every row of ${table}`));
  if (statement.kind === 'rename-table' && existing) facts.incompatible.push(at(`RENAME TABLE ${table}`));
  if (!existing) return;
  for (const action of statement.actions) {
    if (action.type === 'drop-column') facts.dataLoss.push(at(`DROP COLUMN ${table}.${action.column}`));
    if (action.type === 'rename-column' || (action.type === 'modify-column' && action.newName))
      facts.incompatible.push(at(`rename of ${table}.${action.column}`));
    if (action.type === 'rename-table') facts.incompatible.push(at(`rename of table ${table}`));
    if (action.type === 'modify-column') facts.lossyConversions.push(at(`type change of ${table}.${action.column}`));
  }
}

const NO_ACTIONS: AlterAction[] = [];

/**
 * What later statements and the end-of-migration checks read of an earlier statement: its place, kind, table and
 * setting, not its clauses and column definitions (a 50,000-statement file would hold them all).
 */
function kept(statement: DdlStatement): DdlStatement {
  const { columns: _columns, tableConstraints: _constraints, actions: _actions, ...rest } = statement;
  return { ...rest, actions: NO_ACTIONS };
}

function lowerKeys(counts: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(counts).map(([table, rows]) => [table.toLowerCase(), rows]));
}
