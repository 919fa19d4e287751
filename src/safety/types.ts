import type { PgLockMode } from '../engines/postgresql/locks.js';
import type { Engine, Position, Span } from '../model.js';
import type { PgStatement } from '../sql/postgres.js';
import type { StatementLock } from './locks.js';

/**
 * The contract between the safety engine (src/safety/*.ts) and the rules (src/safety/rules/*.ts, one file each).
 * A rule is metadata (data: docs, the rule catalog resource and `check --explain` are generated from it) plus a
 * check over one parsed statement with the context the engine has tracked so far.
 */

export type Severity = 'error' | 'warning' | 'info';

/** Each severity's rank, the most severe first (0). */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** The seed's categories: additive, modifying, destructive. */
export type ChangeCategory = 'safe' | 'careful' | 'dangerous';

export type { PgLockMode } from '../engines/postgresql/locks.js';

/** A lock the flagged statement takes, on which object, and what it blocks for other sessions. */
export interface LockClaim {
  mode: PgLockMode;
  /** Which relation, in words: 'table', 'referenced table', 'index', 'parent table', 'partition'. */
  on: string;
  /**
   * The relation's name, where the statement's lock map names it; without it the claim is on the finding's table
   * ('table') or on a relation the lock map does not know.
   */
  relation?: string;
  blocks: 'reads and writes' | 'writes' | 'schema changes and VACUUM';
}

export interface RuleMeta {
  /** kebab-case, stable: users write it in ignore comments and config. */
  id: string;
  title: string;
  category: ChangeCategory;
  defaultSeverity: Severity;
  engines: Engine[];
  locks: LockClaim[];
  rewritesTable: boolean;
  scansTable: boolean;
  /** Old application code may break while the new schema is live. */
  breaksOldCode: boolean;
  /** Why it is dangerous, one or two sentences in plain words. */
  why: string;
  /** The safe sequence to use instead, in words; the structured fix carries the SQL. */
  safeAlternative: string;
  /** Documentation examples; the rule's tests use more cases than these. */
  examples: { bad: string; good: string };
  /** What peers call the same check, for users coming from them. */
  peers?: Partial<Record<'squawk' | 'strong_migrations' | 'eugene' | 'atlas', string>>;
}

/** Rule metadata by id, as report writers look it up. */
export type RuleCatalog = Pick<ReadonlyMap<string, RuleMeta>, 'get'>;

/** One step of a structured fix: exact SQL, and where it must run. */
export interface FixStep {
  description: string;
  sql: string;
  /** CONCURRENTLY and friends cannot run inside a transaction block. */
  outsideTransaction: boolean;
  /** Must be its own migration (deployed separately), e.g. VALIDATE after NOT VALID, or the contract phase. */
  separateMigration: boolean;
}

export interface Fix {
  summary: string;
  steps: FixStep[];
}

/** What a rule's check returns; the engine adds rule id, statement, location and severity. */
export interface RuleHit {
  message: string;
  /** The table the finding is about (schema-qualified when written so). */
  table?: string;
  /** Narrower span inside the statement (e.g. the column definition); defaults to the whole statement. */
  span?: Span;
  fix?: Fix;
  /** Override the rule's default severity for this hit (e.g. error on a large table). */
  severity?: Severity;
  /** For a per-transaction rule: the traffic that queues behind the statement while it waits for its lock. */
  queued?: QueuedTraffic;
}

/** What of the application's traffic on a table queues behind a statement waiting for its lock. */
export type QueuedTraffic = 'reads and writes' | 'writes';

export interface ColumnInfo {
  name: string;
  /** Type as written, normalised to lower case (e.g. 'varchar(255)', 'int4', 'timestamptz'). */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  /**
   * The sequence a serial column owns (`schema.table_column_seq` as named when the column was made; renaming the
   * table or the column keeps it).
   */
  sequence?: string;
  /** GENERATED … AS IDENTITY: its sequence is the column's own, altered with it. */
  identity?: boolean;
}

/** What the engine knows about the schema before the current statement. */
export interface CatalogView {
  tableExists(table: string): boolean;
  /** Created earlier in the same migration file (static linters' "new table" exemption). */
  tableCreatedInThisMigration(table: string): boolean;
  /** Added to an existing table earlier in the same migration file: no deployed code uses it yet. */
  columnAddedInThisMigration(table: string, column: string): boolean;
  /** Created in the currently open transaction: invisible to other sessions, so its locks harm no one. */
  tableCreatedInCurrentTransaction(table: string): boolean;
  /** Emptied by TRUNCATE or an unqualified DELETE earlier in the open transaction (and not written since). */
  tableEmptiedInCurrentTransaction(table: string): boolean;
  columns(table: string): ColumnInfo[] | undefined;
  /** A validated CHECK (col IS NOT NULL) exists, so SET NOT NULL skips its scan (PG 12+). */
  hasValidatedNotNullCheck(table: string, column: string): boolean;
  /** Whether a validated CHECK constraint holds on the table (it may prove a partition's bounds). */
  hasValidatedCheck(table: string): boolean;
  /** Tables whose row count is known (from input or read-only statistics). */
  rowCount(table: string): number | undefined;
  // ---- additions by the engine (safety framework); the members above keep their meaning ----
  /** A schema snapshot or earlier migrations were given, so a table that is not known does not exist. */
  readonly schemaKnown: boolean;
  /** Whether the column exists; undefined when the table's columns are not known. */
  columnExists(table: string, column: string): boolean | undefined;
  /**
   * Whether the column is NOT NULL; undefined when its table's columns are not known or a statement run under a
   * condition (a DO block's IF) may have changed it.
   */
  columnNotNull(table: string, column: string): boolean | undefined;
  /** Added by this migration without a default and not written since: NULL in every row. */
  columnHoldsOnlyNull(table: string, column: string): boolean;
  /** The columns whose values `column` (added by this migration) was filled from by an UPDATE of every row. */
  copiedFrom(table: string, column: string): ReadonlySet<string> | undefined;
  /** Some column this migration added was filled from `source` by an UPDATE of every row. */
  columnCopied(table: string, source: string): boolean;
  /** Columns of the unique indexes and keys of the table dropped earlier in the open transaction. */
  uniqueKeysDroppedInCurrentTransaction(table: string): readonly string[][];
  /** A named constraint on the table, as known so far (added NOT VALID → validated false). */
  constraint(table: string, name: string): ConstraintInfo | undefined;
  /** The table's constraints, live (not a copy): read them, do not change the catalog while iterating. */
  constraints(table: string): Iterable<ConstraintInfo>;
  /** The `schema.table` key of the table an index belongs to, when the index is known. */
  indexTable(index: string): string | undefined;
  indexes(table: string): IndexInfo[];
  /** Direct partitions and inheritance children (`schema.table` keys); recursion is the caller's. */
  inheritors(table: string): Array<{ table: string; partition: boolean }>;
  /** Declared PARTITION BY, or has a known partition: it holds no rows of its own. */
  isPartitioned(table: string): boolean;
  /** The columns of a partitioned table's PARTITION BY, in order ('' for an expression); undefined if unknown. */
  partitionKey(table: string): readonly string[] | undefined;
  /** The partitioned table this table is a partition of, when known. */
  partitionParent(table: string): string | undefined;
  /** The DEFAULT partition of a partitioned table, when known. */
  defaultPartition(table: string): string | undefined;
  /** Tables with a foreign key to this table. */
  referencingTables(table: string): string[];
  /** The table's own foreign keys. */
  foreignKeysOf(table: string): ConstraintInfo[];
  /** Relations the query of a view or materialized view reads; undefined when the view is not known. */
  viewReads(view: string): string[] | undefined;
  /** Views and materialized views whose query reads the relation. */
  dependentViews(table: string): string[];
  /** Tables (not views) known in the schema, as `schema.table` keys. */
  tablesInSchema(schema: string): string[];
  /** Tables with a column of this type (a domain's users). */
  tablesWithColumnType(type: string): string[];
  /** The volatility a function this history created was declared with (VOLATILE unless said); undefined if unknown. */
  functionVolatility(name: string): FunctionVolatility | undefined;
  /** Tables (and views) with a trigger that executes this function. */
  tablesWithTriggerCalling(functionName: string): string[];
  /** The table's triggers that this history created. */
  triggersOf(table: string): Iterable<TriggerInfo>;
  /** A function this history created (the last of its name), or undefined. */
  functionInfo(name: string): FunctionInfo | undefined;
}

export type FunctionVolatility = 'immutable' | 'stable' | 'volatile';

/** A function this history created. */
export interface FunctionInfo {
  volatility: FunctionVolatility;
  /** A PL/pgSQL trigger function's body, read for its locks when a trigger first fires it (trigger-functions.ts). */
  triggerBody?: string;
}

export type TriggerEvent = 'insert' | 'update' | 'delete' | 'truncate';

/** A trigger: the function it executes (lower case, unqualified) and when it fires. */
export interface TriggerInfo {
  function: string;
  /** For each row (else once per statement, even one that touches no row). */
  row: boolean;
  events: readonly TriggerEvent[];
  /** UPDATE OF these columns only; undefined for any UPDATE. */
  updateColumns?: readonly string[];
  /** REFERENCING NEW/OLD TABLE AS names: the body reads them as relations, which are not tables. */
  transitionTables?: readonly string[];
}

export type ConstraintKind = 'check' | 'foreign-key' | 'unique' | 'primary-key' | 'exclusion' | 'not-null';

export interface ConstraintInfo {
  name: string;
  kind: ConstraintKind;
  columns: string[];
  /** False while added NOT VALID and not yet validated. */
  validated: boolean;
  /** For a CHECK (col IS NOT NULL): the column it proves. */
  notNullColumn?: string;
  /** For a foreign key: the referenced table (`schema.table` key) and columns. */
  references?: {
    table: string;
    columns: string[];
    /** ON DELETE / ON UPDATE: whether the referencing rows are written (CASCADE, SET NULL, SET DEFAULT). */
    writesOnDelete?: boolean;
    writesOnUpdate?: boolean;
  };
  /** Added by a statement of the transaction that is still open. */
  addedInCurrentTransaction: boolean;
}

export interface IndexInfo {
  /** `schema.index` key. */
  name: string;
  /** `schema.table` key. */
  table: string;
  columns: string[];
  unique: boolean;
  /** Built with a WHERE clause (false: known to cover every row; undefined: not known, e.g. from a snapshot). */
  partial?: boolean;
  /** A partial index whose WHERE only says these columns are NOT NULL, which equality on them implies. */
  notNullPredicate?: string[];
}

export interface RuleContext {
  statement: PgStatement;
  /** Index of the statement in the file (0-based). */
  index: number;
  file: string | undefined;
  pgVersion: number;
  /** The statement runs inside a transaction block (explicit BEGIN, or the migration tool's wrapping). */
  inTransaction: boolean;
  /** That transaction is the implicit one of a file sent as one query (a BEGIN there opens no nested one). */
  implicitTransaction?: boolean;
  /** SET lock_timeout / statement_timeout seen before this statement (in this session). */
  lockTimeoutSet: boolean;
  statementTimeoutSet: boolean;
  /** The session time zone was set to UTC (SET TIME ZONE 'UTC'): timestamp ↔ timestamptz skip their rewrite. */
  timeZoneUtc: boolean;
  /** Which transaction block the statement is in (numbered from 1 in file order); meaningful when inTransaction. */
  transaction?: number;
  /** Statements before this one in the current transaction took an ACCESS EXCLUSIVE lock on these tables. */
  accessExclusiveHeld: ReadonlySet<string>;
  /** What the statement locks, from the lock map: whether it scans or rewrites under its lock. */
  statementLocks: ReadonlyArray<{ table: string; mode: PgLockMode; on: string; scan: boolean; rewrite: boolean }>;
  catalog: CatalogView;
  /** Tables with at least this many rows are "large" (seed rule 8). */
  largeTableRows: number;
  /** Run by a DO block (see do-blocks.ts): it cannot be merged with or moved among the file's own statements. */
  inDoBlock?: boolean;
  // ---- additions by the engine (safety framework) ----
  /** The whole SQL text the statement was parsed from. */
  source: string;
  /**
   * A parse-tree `location` of this statement's nodes → character offset in `source` and line:column, without
   * re-parsing the statement (locations are byte offsets relative to `statement.locationBase`).
   */
  locate(location: number): { offset: number; position: Position };
}

export interface Rule {
  meta: RuleMeta;
  /**
   * Statement node types the check can flag (e.g. ['AlterTableStmt']); the engine skips the rule for other
   * statements. Leave it out and the check runs on every statement. (Addition by the engine; optional.)
   */
  appliesTo?: readonly string[];
  check(context: RuleContext): RuleHit[];
  /**
   * Runs once after the migration's last statement, for what only the whole file decides (an index created
   * after the foreign key it covers, a BEGIN never committed). Optional; each hit names its statement.
   */
  finish?(context: MigrationEndContext): MigrationEndHit[];
  /**
   * For a session-level hazard (a timeout not set): one problem however many statements it covers. The engine
   * gathers the check's hits of one transaction block (or of the statements run outside any block) and reports
   * the one hit this makes of them, at the first statement covered. Optional.
   */
  mergePerTransaction?(covered: readonly CoveredStatement[]): RuleHit;
}

/** A statement a per-transaction rule flagged, as the merged finding lists it. */
export interface CoveredStatement {
  /** 0-based statement index in the file. */
  index: number;
  /** First line of the statement. */
  line: number;
  /** The table the statement's hit named. */
  table?: string;
  /** The traffic the hit says queues behind the statement (RuleHit.queued). */
  queued?: QueuedTraffic;
}

/** A statement of the migration, as an end-of-migration finding points at it. */
export interface StatementAt {
  index: number;
  span: Span;
  sql: string;
  /** Parse-tree node type, e.g. 'CreateStmt'. */
  kind: string;
  /** What the statement locks, where the engine kept it: a finding at the statement claims these locks too. */
  locks?: readonly StatementLock[];
}

/** What the engine knows once the last statement of a migration has been read. */
export interface MigrationEndContext {
  file: string | undefined;
  /** For SQL compiled from code: the line of the migration's own file a line of the SQL came from. */
  sourceLine?: (line: number) => number | undefined;
  pgVersion: number;
  /** The schema at the end of the migration. */
  catalog: CatalogView;
  statementCount: number;
  /** The migration tool wraps the file in a transaction (so its own COMMIT ends it). */
  assumeInTransaction: boolean;
  /** The explicit BEGIN still open at the end of the file (no COMMIT or ROLLBACK after it). */
  openTransaction?: StatementAt;
  /** Foreign keys the migration added, in order, with the statement that added each. */
  foreignKeys: ReadonlyArray<{ table: string; columns: string[]; references: string; at: StatementAt }>;
  /** Columns of existing tables dropped after this migration copied them into a column it added (see drop-column). */
  copiedColumnsDropped: ReadonlyArray<{ table: string; column: string; at: StatementAt }>;
  /** Keys and foreign keys of existing tables the migration dropped, as they were, with the statement that did. */
  droppedKeys: ReadonlyArray<{ table: string; constraint: ConstraintInfo; at: StatementAt }>;
  /**
   * Existing tables the migration renamed (`display`: the old name as written), each with what a view the same
   * transaction created under the old name passes through (see compatibility-views.ts), if one did.
   */
  renamedTables: ReadonlyArray<{
    table: string;
    display: string;
    newName: string;
    keptBy?: 'all' | 'known';
    at: StatementAt;
  }>;
}

export interface MigrationEndHit extends RuleHit {
  at: StatementAt;
}

/** A finding as reported to users and agents. */
export interface Finding {
  ruleId: string;
  title: string;
  severity: Severity;
  category: ChangeCategory;
  message: string;
  why: string;
  file?: string;
  statementIndex: number;
  span: Span;
  /** The statement text, for readable output. */
  statement: string;
  table?: string;
  locks: LockClaim[];
  rewritesTable: boolean;
  scansTable: boolean;
  breaksOldCode: boolean;
  fix?: Fix;
  /** Seconds the lock is estimated to be held at the table's known row count. */
  estimatedLockSeconds?: number;
}
