import { UserError } from '../errors.js';
import type { Span } from '../model.js';
import { extractComments } from '../sql/comments.js';
import { byteToCharOffsets, LineIndex } from '../sql/positions.js';
import { type PgStatement, parsePostgres, parsePostgresBatches } from '../sql/postgres.js';
import { nodeType } from './ast.js';
import {
  DYNAMIC_SQL,
  ENGINE_RULES,
  LARGE_TABLE_LOCK,
  UNKNOWN_COLUMN,
  UNKNOWN_IGNORE,
  UNKNOWN_TABLE,
} from './builtin.js';
import { MigrationCatalog, type SchemaSnapshot } from './catalog.js';
import { passThroughView, renamedTable } from './compatibility-views.js';
import { type DoBlockBody, type DoBlockStatement, doBlockBody } from './do-blocks.js';
import { copiedColumnsOf, keysDropped } from './dropped-constraints.js';
import { describeDuration, estimateSeconds, formatCount, workKind } from './estimate.js';
import { collectFacts, emptyFacts, type MigrationFacts } from './facts.js';
import { type IgnoreDirective, mayContainDirectives, parseDirectives } from './ignores.js';
import { blocksTraffic, findingLocks, lockBlocks, type StatementLock, statementLocks } from './locks.js';
import { displayTable, tableKey } from './names.js';
import { type NotFullyChecked, untilSyntaxError } from './partial-parse.js';
import { missingReferences } from './references.js';
import { followRename } from './renamed-keys.js';
import {
  addLocks,
  assembleReport,
  buildReport,
  citable,
  emptyLockFacts,
  type FindingDigest,
  type LockEntry,
  type LockFacts,
  type ReportSummary,
  type StatementSummary,
  type SuppressedFinding,
  sortFindings,
  type ValidationReport,
} from './report.js';
import { RULES } from './rules/index.js';
import { SessionState } from './state.js';
import { isSystemOrToolRelation } from './system-relations.js';
import type {
  CoveredStatement,
  Finding,
  LockClaim,
  MigrationEndContext,
  MigrationEndHit,
  Rule,
  RuleContext,
  RuleHit,
  RuleMeta,
  Severity,
  StatementAt,
} from './types.js';

/**
 * The PostgreSQL safety engine: parse once, walk the statements in order keeping the session state (transaction
 * block, timeouts, locks held, catalog), run every rule that applies to each statement, and turn the hits into
 * findings with locations, severities, lock estimates and ignore comments applied.
 */

export interface CatalogInput {
  /** Tables known before the migration (columns, row counts, indexes). */
  snapshot?: SchemaSnapshot;
  /** Earlier migrations' SQL, oldest first; replayed so their objects are known. */
  history?: Array<{ sql: string; file?: string }>;
  /** False: the history may not start at the beginning, so a table it does not name may exist (default true). */
  historyComplete?: boolean;
}

export interface ValidateOptions {
  file?: string;
  /** How the report's evidence names a line (default `line 12`), e.g. the source line of SQL compiled from code. */
  lineLabel?: (line: number) => string;
  /**
   * For SQL compiled from the migration's own code (a Rails or knex file): the line of that file a line of the SQL
   * came from, so a finding listing several statements names the lines the author wrote.
   */
  sourceLine?: (line: number) => number | undefined;
  /** PostgreSQL major version the migration targets (default 15). */
  pgVersion?: number;
  /** The server version other engines target as the caller wrote it (`8.0.35`, `mariadb-10.11`). */
  engineVersion?: string;
  /** The migration tool wraps the file in a transaction (Knex, Prisma, Rails… do by default). */
  assumeInTransaction?: boolean;
  /**
   * The tool sends the file as one query of several statements: what stands outside the file's own BEGIN …
   * COMMIT runs in an implicit transaction with its neighbours (one before BEGIN joins it; one after COMMIT
   * starts the next).
   */
  oneQuery?: boolean;
  /** Estimated row counts per table (`orders` or `public.orders`). */
  rowCounts?: Record<string, number>;
  /** Tables with at least this many rows are large (seed rule 8; default 1,000,000). */
  largeTableRows?: number;
  /** Rules to run (default: every rule). */
  rules?: readonly Rule[];
  /** Severity per rule id, or 'off' to disable it (from the project config). */
  ruleSeverity?: Record<string, Severity | 'off'>;
  /** Schema known before this migration: a snapshot or earlier migrations. */
  catalog?: CatalogInput | MigrationCatalog;
  /** The down migration: its SQL, or false when the caller knows there is none (checklist "rollback"). */
  down?: { sql: string; file?: string; fails?: string } | false;
}

export const DEFAULT_PG_VERSION = 15;
export const DEFAULT_LARGE_TABLE_ROWS = 1_000_000;

/** Every known rule id: the rules plus the engine's own findings. */
export function knownRuleIds(rules: readonly Rule[] = RULES): Set<string> {
  return new Set([...rules.map((rule) => rule.meta.id), ...ENGINE_RULES.map((meta) => meta.id)]);
}

/**
 * Where a check puts its findings and lock summaries as it finds them, in report order (see sortFindings).
 * validatePostgres collects them into the report; a huge report can instead be written while it is checked.
 */
export interface StatementSink {
  /** One statement's findings, most severe first, and its lock summary when it locks a table that existed. */
  statement(findings: Finding[], summary: StatementSummary | undefined): void;
  /** The findings of the end-of-migration checks, in statement order. */
  end(findings: Finding[]): void;
}

export async function validatePostgres(sql: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  return validateWith(checkPostgres, sql, options);
}

/** Runs an engine's streaming check and collects its findings and lock summaries into the whole report. */
export async function validateWith(
  check: (sql: string, options: ValidateOptions, sink: StatementSink) => Promise<ReportSummary>,
  sql: string,
  options: ValidateOptions,
): Promise<ValidationReport> {
  const findings: Finding[] = [];
  const locks: StatementSummary[] = [];
  const keep = (finding: Finding) => {
    flattenStrings(finding);
    findings.push(finding);
  };
  const collect: StatementSink = {
    statement(statementFindings, summary) {
      for (const finding of statementFindings) keep(finding);
      if (summary) locks.push(summary);
    },
    end(endFindings) {
      for (const finding of endFindings) keep(finding);
    },
  };
  return assembleReport(await check(sql, options, collect), findings, locks);
}

/**
 * Checks a migration, handing findings and lock summaries to `sink` as they are found, and returns the rest of
 * the report. With `retained` false the check keeps only the few fields of each finding that risk and checklist
 * need, so memory does not grow with the findings a huge migration has.
 */
export async function checkPostgres(
  sql: string,
  options: ValidateOptions,
  sink: StatementSink,
  retained = false,
): Promise<ReportSummary> {
  const catalog = options.catalog instanceof MigrationCatalog ? options.catalog : await buildCatalog(options);
  const down = options.down ? await parseDown(options.down) : options.down;
  let analysis: Analysis;
  // A syntax error stops the check at the failing statement; what came before is still checked and reported.
  let stopped: NotFullyChecked | undefined;
  const stop = (error: NotFullyChecked) => {
    stopped = error;
  };
  if (mayContainDirectives(sql)) {
    // Ignore comments point at "the next statement": locate every statement first.
    const statements: PgStatement[] = [];
    for await (const batch of untilSyntaxError(sql, options.file, wholeFile(parsePostgres(sql, options.file)), stop))
      statements.push(...batch);
    const directives = parseDirectives(await extractComments(sql));
    analysis = await analyze(
      sql,
      [statements],
      statements.map((statement) => statement.offset.start),
      catalog,
      directives,
      options,
      sink,
      retained,
    );
  } else {
    // Common case: parse and check batch by batch, so parse trees of a huge file are never all in memory.
    const batches = untilSyntaxError(sql, options.file, await parsePostgresBatches(sql, options.file), stop);
    analysis = await analyze(sql, batches, [], catalog, [], options, sink, retained);
  }
  const report = buildReport({ ...analysis, catalog, options, down });
  return stopped ? { ...report, notFullyChecked: stopped } : report;
}

/** One whole-file parse as a single batch, its error raised when the batch is awaited. */
async function* wholeFile(parsing: Promise<PgStatement[]>): AsyncGenerator<PgStatement[]> {
  yield await parsing;
}

/**
 * A catalog from a snapshot and replayed history (shared across files by passing it back in `catalog`). With
 * `unreadable`, an earlier migration whose SQL does not parse is left out and told to it as a note, and the history
 * is then not complete; without it, the parse error is thrown.
 */
export async function buildCatalog(
  options: Pick<ValidateOptions, 'catalog' | 'rowCounts'>,
  unreadable?: (note: string) => void,
): Promise<MigrationCatalog> {
  const catalog = new MigrationCatalog(options.rowCounts);
  const input = options.catalog instanceof MigrationCatalog ? undefined : options.catalog;
  if (input?.snapshot) catalog.loadSnapshot(input.snapshot);
  let complete = input?.historyComplete !== false;
  for (const earlier of input?.history ?? []) {
    try {
      await replay(catalog, earlier.sql, earlier.file);
    } catch (error) {
      if (!unreadable || !(error instanceof UserError) || error.code !== 'sql-syntax') throw error;
      complete = false;
      const what = error.what.split('\n')[0];
      unreadable(`${earlier.file ?? 'an earlier migration'} (earlier migration) could not be read: ${what}`);
    }
  }
  if (input?.history) catalog.markHistoryLoaded(complete);
  return catalog;
}

/** Applies a migration's schema changes to the catalog without checking it (earlier, already-applied migrations). */
export async function replay(catalog: MigrationCatalog, sql: string, file?: string): Promise<void> {
  const statements = await parsePostgres(sql, file);
  const state = new SessionState(catalog, false);
  const lines = new LineIndex(sql);
  for (const statement of statements) {
    const body =
      nodeType(statement.ast) === 'DoStmt' ? doBlockBody(statement, (offset) => lines.position(offset)) : undefined;
    if (!body) {
      state.apply(statement.ast, []);
      continue;
    }
    for (const inner of body.statements) state.apply(inner.statement.ast, [], { conditional: inner.conditional });
    state.afterDoBlock(body);
  }
  catalog.endTransaction();
}

/** The down migration's statement count; one that does not parse is reported by the checklist, not thrown. */
async function parseDown(down: {
  sql: string;
  file?: string;
  fails?: string;
}): Promise<{ file?: string; statements: number; syntaxError?: string; fails?: string }> {
  if (down.fails) return { ...(down.file ? { file: down.file } : {}), statements: 0, fails: down.fails };
  const file = down.file ? { file: down.file } : {};
  try {
    return { ...file, statements: (await parsePostgres(down.sql, down.file)).length };
  } catch (error) {
    if (!(error instanceof UserError) || error.code !== 'sql-syntax') throw error;
    // `file:line:col: PostgreSQL syntax error: …`
    return { ...file, statements: 0, syntaxError: error.message.split('\n')[0] ?? error.message };
  }
}

export interface Analysis {
  statementCount: number;
  counts: Record<Severity, number>;
  /** What risk and checklist need of the findings they can cite, in report order. */
  findings: FindingDigest[];
  suppressed: SuppressedFinding[];
  /** What risk and checklist need of the lock summaries. */
  locks: LockFacts;
  facts: MigrationFacts;
  ruleErrors: string[];
  lines: LineIndex;
  /** Every statement ran inside a transaction block. */
  allInTransaction: boolean;
}

interface Dispatch {
  byType: Map<string, Rule[]>;
  everywhere: Rule[];
}

// A history checks hundreds of files with the same rules and settings: their dispatch table is built once.
const dispatchCache = new WeakMap<readonly Rule[], WeakMap<object, Dispatch>>();
const knownIdsCache = new WeakMap<readonly Rule[], Set<string>>();
const NO_SEVERITY: Record<string, Severity | 'off'> = Object.freeze({});

function dispatchFor(rules: readonly Rule[], severityOf: Record<string, Severity | 'off'>): Dispatch {
  let bySeverity = dispatchCache.get(rules);
  if (!bySeverity) {
    bySeverity = new WeakMap();
    dispatchCache.set(rules, bySeverity);
  }
  let dispatch = bySeverity.get(severityOf);
  if (!dispatch) {
    dispatch = dispatchTable(rules, (id) => severityOf[id] === 'off');
    bySeverity.set(severityOf, dispatch);
  }
  return dispatch;
}

function knownIdsFor(rules: readonly Rule[]): Set<string> {
  let ids = knownIdsCache.get(rules);
  if (!ids) {
    ids = knownRuleIds(rules);
    knownIdsCache.set(rules, ids);
  }
  return ids;
}

function dispatchTable(rules: readonly Rule[], disabled: (id: string) => boolean): Dispatch {
  const byType = new Map<string, Rule[]>();
  const everywhere: Rule[] = [];
  for (const rule of rules) {
    if (disabled(rule.meta.id)) continue;
    if (!rule.appliesTo) {
      everywhere.push(rule);
      continue;
    }
    for (const type of rule.appliesTo) {
      const list = byType.get(type) ?? [];
      list.push(rule);
      byType.set(type, list);
    }
  }
  return { byType, everywhere };
}

async function analyze(
  sql: string,
  batches: Iterable<PgStatement[]> | AsyncIterable<PgStatement[]>,
  statementStarts: number[],
  catalog: MigrationCatalog,
  directives: IgnoreDirective[],
  options: ValidateOptions,
  sink: StatementSink,
  retained: boolean,
): Promise<Analysis> {
  const rules = options.rules ?? RULES;
  const severityOf = options.ruleSeverity ?? NO_SEVERITY;
  const disabled = (id: string) => severityOf[id] === 'off';
  const dispatch = dispatchFor(rules, severityOf);
  const pgVersion = options.pgVersion ?? DEFAULT_PG_VERSION;
  const largeTableRows = options.largeTableRows ?? DEFAULT_LARGE_TABLE_ROWS;
  const lines = new LineIndex(sql);
  let toChar: ((byte: number) => number) | undefined;
  const state = new SessionState(catalog, options.assumeInTransaction ?? false, options.oneQuery ?? false);
  const ignores = resolveIgnores(directives, statementStarts, lines, knownIdsFor(rules));
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const findings: FindingDigest[] = [];
  const suppressed: SuppressedFinding[] = [];
  const lockFacts = emptyLockFacts();
  const digest = retained ? (finding: Finding): FindingDigest => finding : digestOf;
  const facts = emptyFacts();
  const ruleErrors: string[] = [];
  let allInTransaction = true;
  let index = 0;
  // For end-of-migration checks: the open explicit BEGIN, and the statements that added foreign keys.
  let openTransaction: StatementAt | undefined;
  const foreignKeys: Array<MigrationEndContext['foreignKeys'][number]> = [];
  const droppedKeys: Array<MigrationEndContext['droppedKeys'][number]> = [];
  const copiedColumnsDropped: Array<MigrationEndContext['copiedColumnsDropped'][number]> = [];
  const renamedTables: Array<
    MigrationEndContext['renamedTables'][number] & { renamedTo: string; transaction: number | undefined }
  > = [];
  const perTransaction = new PerTransactionHits(options.sourceLine);
  const at = (statement: PgStatement, kind: string, sql = statement.sql): StatementAt => ({
    index,
    span: statement.span,
    sql,
    kind,
  });

  /** What a DO block builds at run time is not checked: said once, where its first such EXECUTE is. */
  const dynamicSqlFinding = (statement: PgStatement, body: DoBlockBody): Finding => {
    const [first, ...more] = body.dynamicDdl;
    const what = `${firstLine(first?.text ?? '')}${more.length > 0 ? ` and ${more.length} more` : ''}`;
    return toFinding(
      DYNAMIC_SQL,
      {
        message: body.dynamicDdl.some((dynamic) => dynamic.changesSchema)
          ? `This DO block runs SQL built at run time (EXECUTE ${what}): its locks and hazards are not checked, and the schema after it is not fully known.`
          : `This DO block runs SQL built at run time (EXECUTE ${what}): its locks and hazards are not checked; what it builds (grants, owners, roles, policies, comments) changes no table's columns, keys or indexes, so the schema after it stays known.`,
        ...(first ? { span: first.span } : {}),
      },
      { file: options.file, index, statement },
      severityOf[DYNAMIC_SQL.id],
    );
  };

  /** The findings no ignore comment silences, in report order; the silenced ones go to `suppressed`. */
  const reported = (candidates: Finding[]): Finding[] => {
    const kept: Finding[] = [];
    for (const finding of candidates) {
      const reason = ignores.reasonFor(finding.statementIndex, finding.ruleId);
      if (reason === undefined) kept.push(finding);
      else
        suppressed.push({
          ruleId: finding.ruleId,
          statementIndex: finding.statementIndex,
          line: finding.span.start.line,
          reason,
        });
    }
    sortFindings(kept);
    for (const finding of kept) {
      counts[finding.severity]++;
      if (citable(finding)) findings.push(digest(finding));
    }
    return kept;
  };

  /** Checks one statement (or one statement a DO block runs) and moves the session past it. */
  const checkStatement = (statement: PgStatement, type: string, inner?: DoBlockStatement, block?: PgStatement) => {
    // A DO block is one statement of the file: its index, and its text in the report, for what it runs.
    const shownSql = block?.sql ?? statement.sql;
    const locks = statementLocks(statement.ast, catalog, pgVersion, state);
    const context: RuleContext = {
      statement,
      index,
      file: options.file,
      pgVersion,
      inTransaction: state.inTransaction,
      implicitTransaction: state.implicitTransaction,
      transaction: state.transaction,
      lockTimeoutSet: state.lockTimeoutSet,
      statementTimeoutSet: state.statementTimeoutSet,
      timeZoneUtc: state.timeZoneUtc,
      accessExclusiveHeld: state.accessExclusiveHeld,
      statementLocks: locks,
      catalog,
      largeTableRows,
      inDoBlock: block !== undefined,
      source: sql,
      locate(location) {
        toChar ??= byteToCharOffsets(sql);
        const offset = toChar(statement.locationBase + location);
        return { offset, position: lines.position(offset) };
      },
    };
    const statementFindings: Finding[] = [];
    const run = (rule: Rule) => {
      let hits: RuleHit[];
      try {
        hits = rule.check(context);
      } catch (error) {
        ruleErrors.push(
          `${rule.meta.id} failed on statement ${index + 1} (line ${statement.span.start.line}): ${error instanceof Error ? error.message : String(error)}`,
        );
        return;
      }
      if (rule.mergePerTransaction) {
        for (const hit of hits) {
          const reason = ignores.reasonFor(index, rule.meta.id);
          if (reason === undefined) perTransaction.add(rule, state, context, hit, shownSql);
          else
            suppressed.push({ ruleId: rule.meta.id, statementIndex: index, line: statement.span.start.line, reason });
        }
        return;
      }
      for (const hit of hits)
        statementFindings.push(toFinding(rule.meta, hit, context, severityOf[rule.meta.id], locks));
    };
    for (const rule of dispatch.byType.get(type) ?? []) run(rule);
    for (const rule of dispatch.everywhere) run(rule);

    for (const missing of missingReferences(statement.ast, catalog, state.searchPath)) {
      const meta = missing.kind === 'table' ? UNKNOWN_TABLE : UNKNOWN_COLUMN;
      if (disabled(meta.id)) continue;
      statementFindings.push(
        toFinding(meta, { message: missing.message, table: displayTable(missing.table) }, context, severityOf[meta.id]),
      );
    }

    const summary = summarize(
      statement,
      index,
      type,
      state.inTransaction,
      locks,
      statementFindings,
      catalog,
      state.accessExclusiveHeld,
    );
    applyLargeTableEstimates(
      statementFindings,
      summary,
      context,
      catalog,
      largeTableRows,
      disabled(LARGE_TABLE_LOCK.id),
      severityOf[LARGE_TABLE_LOCK.id],
    );
    if (block) for (const finding of statementFindings) finding.statement = shownSql;
    // A plain SELECT's read locks conflict only with ACCESS EXCLUSIVE: no summary entry for them (a history's
    // data checks would each add one). FOR UPDATE and setval() still show, and so do a DO block's reads of the
    // schema's tables (the rows its loops copy, as an INSERT … SELECT's reads show), not of PostgreSQL's catalogs.
    const reads = type === 'SelectStmt' && summary.locks.every((lock) => lock.mode === 'ACCESS SHARE');
    const hasLocks =
      summary.locks.length > 0 &&
      !(reads && (block === undefined || locks.every((lock) => isSystemOrToolRelation(lock.table))));
    const unknownIgnores = ignores.unknownAt(index);
    const candidates = unknownIgnores.length > 0 ? [...unknownIgnores, ...statementFindings] : statementFindings;
    sink.statement(reported(candidates), hasLocks ? summary : undefined);
    if (hasLocks) addLocks(lockFacts, summary, largeTableRows);

    const knownForeignKeys = facts.foreignKeys.length;
    collectFacts(facts, statement.ast, index, statement.span.start.line, catalog, { guarded: inner?.guarded === true });
    if (facts.foreignKeys.length > knownForeignKeys) {
      const where = at(statement, type, shownSql);
      for (const added of facts.foreignKeys.slice(knownForeignKeys))
        foreignKeys.push({ table: added.table, columns: added.columns, references: added.references, at: where });
    }
    if (type === 'AlterTableStmt') {
      const dropped = keysDropped(statement.ast, catalog);
      const copied = copiedColumnsOf(statement.ast, catalog);
      if (dropped.length > 0 || copied.length > 0) {
        const where = { ...at(statement, type, shownSql), locks };
        for (const key of dropped) droppedKeys.push({ ...key, at: where });
        for (const column of copied) copiedColumnsDropped.push({ ...column, at: where });
      }
    }
    const renamed = type === 'RenameStmt' ? renamedTable(statement.ast, catalog) : undefined;
    if (renamed) {
      const transaction = state.inTransaction ? state.transaction : undefined;
      renamedTables.push({ ...renamed, transaction, at: { ...at(statement, type, shownSql), locks } });
    }
    const view = type === 'ViewStmt' && state.inTransaction ? passThroughView(statement.ast, catalog) : undefined;
    for (const rename of view ? renamedTables : []) {
      if (rename.transaction === state.transaction && rename.table === view?.view && rename.renamedTo === view.table)
        rename.keptBy = view.columns;
    }
    followRename(foreignKeys, statement.ast);
    state.apply(statement.ast, locks, { conditional: inner?.conditional === true });
  };

  for await (const batch of batches)
    for (let slot = 0; slot < batch.length; slot++) {
      const statement = batch[slot] as PgStatement;
      // Let this statement's parse tree be collected as soon as it is checked, not when its whole batch is.
      (batch as Array<PgStatement | undefined>)[slot] = undefined;
      const type = nodeType(statement.ast);
      if (type !== 'TransactionStmt' && !state.inTransaction) allInTransaction = false;
      const body = type === 'DoStmt' ? doBlockBody(statement, (offset) => lines.position(offset)) : undefined;
      if (body && (body.statements.length > 0 || body.dynamicDdl.length > 0)) {
        // The block is one statement: outside a transaction block, what it runs commits or fails together.
        const implicit = !state.inTransaction;
        if (implicit) state.beginImplicitTransaction();
        for (const inner of body.statements)
          checkStatement(inner.statement, nodeType(inner.statement.ast), inner, statement);
        state.afterDoBlock(body);
        if (body.dynamicDdl.length > 0 && !disabled(DYNAMIC_SQL.id))
          sink.statement(reported([dynamicSqlFinding(statement, body)]), undefined);
        if (implicit) state.endImplicitTransaction();
      } else checkStatement(statement, type);
      if (!state.explicitTransaction) openTransaction = undefined;
      else openTransaction ??= at(statement, type);
      index++;
    }
  const end: MigrationEndContext = {
    ...(options.sourceLine ? { sourceLine: options.sourceLine } : {}),
    file: options.file,
    pgVersion,
    catalog,
    statementCount: index,
    assumeInTransaction: options.assumeInTransaction ?? false,
    ...(openTransaction ? { openTransaction } : {}),
    foreignKeys,
    droppedKeys,
    copiedColumnsDropped,
    renamedTables,
  };
  // Unknown rule names in ignore comments after the last statement (a file of comments only).
  const trailing = ignores.unknownAfter(index);
  if (trailing.length > 0) sink.statement(reported(trailing), undefined);
  const endFindings: Finding[] = perTransaction.findings(options.file, severityOf, ruleErrors);
  for (const rule of rules) {
    if (!rule.finish || disabled(rule.meta.id)) continue;
    let hits: MigrationEndHit[];
    try {
      hits = rule.finish(end);
    } catch (error) {
      ruleErrors.push(
        `${rule.meta.id} failed at the end of the migration: ${error instanceof Error ? error.message : String(error)}`,
      );
      continue;
    }
    for (const hit of hits) endFindings.push(endFinding(rule.meta, hit, options.file, severityOf[rule.meta.id]));
  }
  sink.end(reported(endFindings));
  return {
    statementCount: index,
    counts,
    findings,
    suppressed,
    locks: lockFacts,
    facts,
    ruleErrors,
    lines,
    allInTransaction: allInTransaction && index > 0,
  };
}

/**
 * The hits of rules that report one finding per transaction (see Rule.mergePerTransaction), gathered per rule and
 * per transaction block — statements outside any block form one group — until the migration ends.
 */
class PerTransactionHits {
  private readonly groups = new Map<string, { rule: Rule; first: StatementAt; covered: CoveredStatement[] }>();

  constructor(private readonly sourceLine?: (line: number) => number | undefined) {}

  add(rule: Rule, state: SessionState, context: RuleContext, hit: RuleHit, sql = context.statement.sql): void {
    const key = `${rule.meta.id}\u0000${state.inTransaction ? state.transaction : 'outside'}`;
    const { statement, index } = context;
    const line = statement.span.start.line;
    const covered: CoveredStatement = { index, line: this.sourceLine?.(line) ?? line };
    if (hit.table) covered.table = hit.table;
    if (hit.queued) covered.queued = hit.queued;
    const group = this.groups.get(key);
    if (group) {
      if (!coversAlready(group.covered, covered)) group.covered.push(covered);
      return;
    }
    const first: StatementAt = { index, span: statement.span, sql, kind: nodeType(statement.ast) };
    this.groups.set(key, { rule, first, covered: [covered] });
  }

  /** One finding per group, at its first statement. */
  findings(file: string | undefined, severityOf: Record<string, Severity | 'off'>, errors: string[]): Finding[] {
    const findings: Finding[] = [];
    for (const { rule, first, covered } of this.groups.values()) {
      try {
        const hit = rule.mergePerTransaction?.(covered);
        if (hit) findings.push(endFinding(rule.meta, { ...hit, at: first }, file, severityOf[rule.meta.id]));
      } catch (error) {
        errors.push(
          `${rule.meta.id} failed on statement ${first.index + 1} (line ${first.span.start.line}): ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return findings;
  }
}

/** A statement's hits come one after another: one per table it locks, each table once. */
function coversAlready(covered: readonly CoveredStatement[], entry: CoveredStatement): boolean {
  for (let at = covered.length - 1; at >= 0 && covered[at]?.index === entry.index; at--)
    if (covered[at]?.table === entry.table) return true;
  return false;
}

/**
 * Each rule's own lock claims, by rule id, as its findings were made: a finding shows the locks PostgreSQL takes
 * (findingLocks), while the statement's lock summary compares the rule's claims with the lock map.
 */
const ruleClaims = new Map<string, LockClaim[]>();

export function toFinding(
  meta: RuleMeta,
  hit: RuleHit,
  context: Pick<RuleContext, 'file' | 'index'> & { statement: Pick<RuleContext['statement'], 'span' | 'sql'> },
  configured: Severity | 'off' | undefined,
  locks: readonly StatementLock[] = [],
): Finding {
  const severity: Severity = configured && configured !== 'off' ? configured : (hit.severity ?? meta.defaultSeverity);
  // Field by field (not conditional spreads, which allocate a throw-away object each): a huge migration makes
  // tens of thousands of these. The order is the one the JSON answers show.
  const finding: Record<string, unknown> = {
    ruleId: meta.id,
    title: meta.title,
    severity,
    category: meta.category,
    message: hit.message,
    why: meta.why,
  };
  if (context.file) finding.file = context.file;
  finding.statementIndex = context.index;
  finding.span = hit.span ?? context.statement.span;
  finding.statement = context.statement.sql;
  if (hit.table) finding.table = hit.table;
  finding.locks = findingLocks(meta.locks, locks, hit.table);
  ruleClaims.set(meta.id, meta.locks);
  finding.rewritesTable = meta.rewritesTable;
  finding.scansTable = meta.scansTable;
  finding.breaksOldCode = meta.breaksOldCode;
  if (hit.fix) finding.fix = hit.fix;
  return finding as unknown as Finding;
}

/**
 * A collected report's findings live until it is written. V8 keeps a string built by concatenation (messages,
 * fix SQL) as a tree of its pieces until something reads it; converting it to a number reads it and makes it
 * one flat block in place. On the 50,000-statement bench file that was about 12 MB less memory at the peak, and
 * less for the garbage collector to walk. A streamed report writes each finding at once and needs none of it.
 */
export function flattenStrings(finding: Finding): void {
  Number(finding.message);
  if (!finding.fix) return;
  Number(finding.fix.summary);
  for (const step of finding.fix.steps) {
    Number(step.description);
    Number(step.sql);
  }
}

/** The fields of a finding that risk and checklist read, copied so the finding itself can be let go. */
function digestOf(finding: Finding): FindingDigest {
  return {
    ruleId: finding.ruleId,
    title: finding.title,
    severity: finding.severity,
    category: finding.category,
    breaksOldCode: finding.breaksOldCode,
    span: { start: { line: finding.span.start.line } },
  };
}

/** A finding from a rule's end-of-migration check, at the statement the hit names. */
function endFinding(
  meta: RuleMeta,
  hit: MigrationEndHit,
  file: string | undefined,
  configured: Severity | 'off' | undefined,
): Finding {
  const context = { file, index: hit.at.index, statement: { span: hit.at.span, sql: hit.at.sql } };
  return toFinding(meta, hit, context, configured, hit.at.locks);
}

function summarize(
  statement: PgStatement,
  index: number,
  type: string,
  inTransaction: boolean,
  locks: StatementLock[],
  findings: Finding[],
  catalog: MigrationCatalog,
  held: ReadonlySet<string>,
): StatementSummary<LockEntry> {
  const entries: LockEntry[] = [];
  for (const lock of locks) {
    if (catalog.tableCreatedInCurrentTransaction(lock.owner ?? lock.table)) continue;
    entries.push({
      table: displayTable(lock.table),
      mode: lock.mode,
      on: lock.on,
      blocks: lockBlocks(lock.mode),
      rewrite: lock.rewrite,
      scan: lock.scan,
      source: 'lock-map',
    });
  }
  // Rule claims refine the lock map (e.g. a rule knows an ALTER TYPE is only a metadata change).
  for (const finding of findings) {
    if (!finding.table || finding.locks.length === 0) continue;
    const key = tableKey(finding.table.replace(/"/g, ''));
    const table = displayTable(key);
    for (const claim of ruleClaims.get(finding.ruleId) ?? finding.locks) {
      // A claim on another relation ('referenced table', 'partition') names no table of its own: it refines the
      // lock-map entry for that relation, and is never put on the finding's table.
      const onFindingTable = claim.on === 'table';
      const existing = entries.find((entry) => entry.on === claim.on && (!onFindingTable || entry.table === table));
      if (existing) {
        if (existing.source === 'lock-map' && existing.mode !== claim.mode)
          existing.ruleClaim = { ruleId: finding.ruleId, mode: claim.mode };
      } else if (onFindingTable && !catalog.tableCreatedInCurrentTransaction(table) && !held.has(key)) {
        // A table an earlier statement of the transaction locked ACCESS EXCLUSIVE is listed there: this statement
        // only keeps it (statement-after-access-exclusive says so), it takes no lock of its own on it.
        entries.push({
          table,
          mode: claim.mode,
          on: claim.on,
          blocks: claim.blocks,
          rewrite: finding.rewritesTable,
          scan: finding.scansTable,
          source: 'rule',
          ruleId: finding.ruleId,
        });
      }
    }
  }
  return {
    index,
    kind: type,
    span: statement.span,
    text: firstLine(statement.sql),
    inTransaction,
    // A copy of exactly the right length: an array grown by push keeps room for 16 more elements, about 140
    // bytes per summary, and the summaries live until the report is written (5.6 MB on the 50,000-statement bench).
    locks: entries.slice(),
    findings: findings.length,
  };
}

function applyLargeTableEstimates(
  findings: Finding[],
  summary: StatementSummary<LockEntry>,
  context: RuleContext,
  catalog: MigrationCatalog,
  threshold: number,
  largeRuleDisabled: boolean,
  configured: Severity | 'off' | undefined,
): void {
  let buildsIndex: boolean | undefined;
  for (const lock of summary.locks) {
    const rows = catalog.rowCount(lock.table);
    if (rows === undefined) continue;
    buildsIndex ??=
      summary.kind === 'IndexStmt' ||
      (summary.kind === 'AlterTableStmt' && /\b(UNIQUE|PRIMARY\s+KEY|EXCLUDE)\b/i.test(context.statement.sql));
    lock.rows = rows;
    const kind = workKind(
      { table: lock.table, mode: lock.mode, on: lock.on, rewrite: lock.rewrite, scan: lock.scan },
      buildsIndex && lock.on === 'table',
    );
    const seconds = estimateSeconds(kind, rows);
    lock.estimatedLockSeconds = seconds;
    // Findings about this table's lock (rules that claim a lock, a scan or a rewrite), not e.g. lock_timeout.
    const related = findings.filter(
      (finding) =>
        finding.table &&
        (finding.locks.length > 0 || finding.scansTable || finding.rewritesTable) &&
        tableKey(finding.table.replace(/"/g, '')) === tableKey(lock.table),
    );
    for (const finding of related) {
      finding.estimatedLockSeconds = Math.max(finding.estimatedLockSeconds ?? 0, seconds);
    }
    if (rows < threshold || !blocksTraffic(lock.mode) || kind === 'metadata') continue;
    const size = `${lock.table} has about ${formatCount(rows)} rows: `;
    const held = `${lock.mode} (blocks ${lock.blocks}) is held for ${describeDuration(seconds)} (estimate).`;
    const note = `${size}${held}`;
    if (related.length > 0) {
      for (const finding of related) {
        // The rule may have named the size already; then only the duration is new.
        const addition = finding.message.includes(formatCount(rows)) ? held : note;
        if (!finding.message.includes(held)) finding.message = `${finding.message} ${addition}`;
        if (!configured || configured === 'off') finding.severity = 'error';
      }
    } else if (!largeRuleDisabled) {
      findings.push(
        toFinding(
          LARGE_TABLE_LOCK,
          {
            message: `Large table: ${note} Use the online form of this operation or run it in a maintenance window after rehearsing on a copy.`,
            table: lock.table,
          },
          context,
          configured,
        ),
      );
      const added = findings[findings.length - 1];
      if (added) {
        const blocks = lockBlocks(lock.mode);
        added.locks = [
          {
            mode: lock.mode,
            on: lock.on,
            blocks: blocks === 'nothing that migrations usually meet' ? 'writes' : blocks,
          },
        ];
        added.estimatedLockSeconds = seconds;
        added.rewritesTable = lock.rewrite;
        added.scansTable = true;
      }
    }
  }
}

export function firstLine(sql: string): string {
  const newline = sql.indexOf('\n');
  const line = newline === -1 ? sql : sql.slice(0, newline);
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

const ALL_RULES = '*';

export interface ResolvedIgnores {
  /** Findings for unknown rule names in ignore comments that precede statement `index` (each handed out once). */
  unknownAt(index: number): Finding[];
  /** The same for comments after statement `count - 1`, once the statements are counted. */
  unknownAfter(count: number): Finding[];
  /** The reason when the rule is ignored for that statement, else undefined. */
  reasonFor(statementIndex: number, ruleId: string): string | undefined;
}

export function resolveIgnores(
  directives: IgnoreDirective[],
  statements: number[],
  lines: LineIndex,
  known: Set<string>,
): ResolvedIgnores {
  const unknown: Finding[] = [];
  const fileWide = new Map<string, string>();
  let ignoreAll: string | undefined;
  const perStatement = new Map<number, Map<string, string>>();
  for (const directive of directives) {
    for (const { id, offset } of directive.ruleIds) {
      if (known.has(id)) continue;
      const span: Span = { start: lines.position(offset), end: lines.position(offset + id.length) };
      unknown.push({
        ruleId: UNKNOWN_IGNORE.id,
        title: UNKNOWN_IGNORE.title,
        severity: UNKNOWN_IGNORE.defaultSeverity,
        category: UNKNOWN_IGNORE.category,
        message: `Ignore comment names unknown rule "${id}"${suggest(id, known)}; it silences nothing.`,
        why: UNKNOWN_IGNORE.why,
        statementIndex: nextStatementIndex(statements, directive.comment.offset.end),
        span,
        statement: lines.lineText(span.start.line).trim(),
        locks: [],
        rewritesTable: false,
        scansTable: false,
        breaksOldCode: false,
      });
    }
    const reason = directive.reason || '(no reason given)';
    if (directive.kind === 'file') {
      if (directive.ruleIds.length === 0) ignoreAll = reason;
      for (const { id } of directive.ruleIds) fileWide.set(id, reason);
      continue;
    }
    const target = nextStatementIndex(statements, directive.comment.offset.end);
    if (target >= statements.length) continue;
    const map = perStatement.get(target) ?? new Map<string, string>();
    if (directive.ruleIds.length === 0) map.set(ALL_RULES, reason);
    for (const { id } of directive.ruleIds) map.set(id, reason);
    perStatement.set(target, map);
  }
  const unknownByStatement = new Map<number, Finding[]>();
  for (const finding of unknown) {
    if (finding.statementIndex >= statements.length) finding.statementIndex = Math.max(0, statements.length - 1);
    const list = unknownByStatement.get(finding.statementIndex) ?? [];
    list.push(finding);
    unknownByStatement.set(finding.statementIndex, list);
  }
  return {
    unknownAt(index) {
      const list = unknownByStatement.get(index);
      unknownByStatement.delete(index);
      return list ?? [];
    },
    unknownAfter(count) {
      const rest = [...unknownByStatement].filter(([index]) => index >= count).flatMap(([, list]) => list);
      unknownByStatement.clear();
      return rest;
    },
    reasonFor(statementIndex, ruleId) {
      if (ruleId === UNKNOWN_IGNORE.id) return undefined;
      const local = perStatement.get(statementIndex);
      return local?.get(ruleId) ?? local?.get(ALL_RULES) ?? fileWide.get(ruleId) ?? ignoreAll;
    },
  };
}

/** The first statement starting after `offset` (binary search over statement start offsets). */
function nextStatementIndex(statements: number[], offset: number): number {
  let low = 0;
  let high = statements.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((statements[mid] ?? 0) < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

function suggest(id: string, known: Set<string>): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = candidate.startsWith(id) || id.startsWith(candidate) ? 1 : editDistance(id, candidate);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best && bestDistance <= Math.max(3, id.length / 3) ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}
