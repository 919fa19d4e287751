import { toUserError, UserError } from '../errors.js';
import type { MigrationCatalog, SchemaSnapshot } from './catalog.js';
import { loadSafetyConfig, ruleSeverities, type SafetyConfig } from './config.js';
import { readDatabaseFacts } from './database.js';
import {
  buildCatalog,
  DEFAULT_LARGE_TABLE_ROWS,
  DEFAULT_PG_VERSION,
  replay,
  type StatementSink,
  type ValidateOptions,
  validateWith,
} from './engine.js';
import type { SqlInput } from './inputs.js';
import { optimizeForInput } from './jit-tier.js';
import { originAt } from './migration-inputs.js';
import { conflictFile, type ProjectDatabase, projectPgVersion } from './project-database.js';
import type { ReportSummary, Risk, StatementSummary, ValidationReport } from './report.js';
import type { SafetyEngine, SafetyEngineName } from './safety-engine.js';
import { allSafetyEngines, safetyEngineCovers, safetyEngineFor } from './safety-engines.js';
import type { Finding, Severity } from './types.js';

/**
 * One safety check over one or more migrations, in order, sharing what earlier files created — the entry point
 * behind both `check` and `validate_safety`. Options given by the caller override the project configuration,
 * which overrides the defaults.
 */

export interface SafetyCheckOptions {
  /** The engine of inputs that do not name their own (default postgresql); see SqlInput.engine. */
  engine?: string;
  pgVersion?: number;
  /** The server version as the caller wrote it (`16`, `8.0.35`, `mariadb-10.11`); each engine reads its own. */
  engineVersion?: string;
  assumeInTransaction?: boolean;
  largeTableRows?: number;
  rowCounts?: Record<string, number>;
  /** Read row counts and the current schema, read-only, from this PostgreSQL URL. */
  databaseUrl?: string;
  snapshot?: SchemaSnapshot;
  /** Earlier migrations (already applied), oldest first. */
  history?: Array<{ sql: string; file?: string }>;
  /**
   * False when the history may not start at the database's beginning (numbered plain .sql files, an earlier
   * migration that could not be read): its tables are known, but a table it does not name may still exist.
   */
  historyComplete?: boolean;
  ruleSeverity?: Record<string, Severity | 'off'>;
  /** Project root for the configuration file; no configuration is read when absent. */
  root?: string;
  /** Whether the down migration is known to be absent (text input without one). */
  downMissing?: boolean;
  /** The project's database as its files name it; asked only when neither option nor config sets pgVersion. */
  projectDatabase?: () => ProjectDatabase;
  /** Notes to pass through to the result (e.g. from reading the migrations). */
  notes?: string[];
}

/** Where a finding's statement was written when the SQL was compiled from code (the `.ts` line). */
export interface FindingOrigin {
  file: string;
  line: number;
  column?: number;
}

/** LOW / MEDIUM / HIGH when every input was checked to its end; otherwise NOT FULLY CHECKED. */
export type OverallRisk = Risk | 'NOT FULLY CHECKED';

export interface SafetyCheckResult<Report extends ReportSummary = ValidationReport> {
  /** The engine of the check (each file's report names its own when a monorepo mixes engines). */
  engine: SafetyEngineName;
  /** NOT FULLY CHECKED when a file could not be read, compiled or parsed to its end, or no file was checked. */
  risk: OverallRisk;
  /** The risk of what was checked, also when `risk` says that is not everything. */
  checkedRisk: Risk;
  /** What was not checked, one line each (empty when everything was). */
  unchecked: string[];
  counts: Record<Severity, number>;
  pgVersion: number;
  /** Where the PostgreSQL version came from: "option", the config file, the project file naming it, or "default". */
  pgVersionSource: string;
  assumeInTransaction: boolean;
  largeTableRows: number;
  configSource?: string;
  /** What the caller should know about how the inputs were read (transaction modes, history not compiled …). */
  notes: string[];
  files: Report[];
  /** Inputs that could not be checked (syntax errors), with file:line:col. */
  errors: Array<ReturnType<UserError['toJSON']>>;
}

export type CheckError = ReturnType<UserError['toJSON']>;

/** The settings every file of a check is checked with, known before the first file is read. */
export type CheckSettings = Pick<
  SafetyCheckResult,
  'engine' | 'pgVersion' | 'pgVersionSource' | 'assumeInTransaction' | 'largeTableRows' | 'configSource'
>;

/** The file-level settings of a report, known before its first statement is checked. */
export type FileSettings = Pick<
  ReportSummary,
  'engine' | 'file' | 'pgVersion' | 'assumeInTransaction' | 'largeTableRows'
>;

/**
 * Receives a check as it runs: a huge report is written while it is checked instead of being held in memory.
 * Findings and lock summaries of compiled-from-code migrations arrive with their source lines (`origin`).
 */
export interface CheckStream {
  /** The check starts: its settings, and the notes and errors known before any file is checked. */
  begin(settings: CheckSettings, preamble: CheckPreamble): void;
  /**
   * A file's check starts (`sql` is its text, for source lines under findings); its findings and lock summaries go
   * to the sink returned, in report order.
   */
  file(settings: FileSettings, sql: string): StatementSink;
  /**
   * The file's check ended: the rest of its report, or the error that stopped it (after what was sent), or both
   * when a syntax error stopped it part-way (the report then says `notFullyChecked`).
   */
  fileEnd(outcome: FileOutcome): void;
}

export type FileOutcome = { report: ReportSummary; error?: CheckError } | { error: CheckError };

/** What a check's output can show before the first file: notes, and inputs that could not even be read. */
export interface CheckPreamble {
  notes: string[];
  errors: CheckError[];
}

const RISK_ORDER: Record<Risk, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

/** Checks the inputs in order, sharing what earlier files created; the whole report of each file is returned. */
export async function checkSqlInputs(inputs: SqlInput[], options: SafetyCheckOptions = {}): Promise<SafetyCheckResult> {
  return runChecks(inputs, options, async (input, validate, engine) => {
    const report = await validateWith(engine.check, input.sql, validate);
    return input.origins || input.transactionFix ? withOrigins(report, input) : report;
  });
}

/**
 * The same check, handing each file's findings and lock summaries to `stream` as they are found; the result's
 * files carry the rest of each report. `unread` are inputs that failed before the check (shown first, not
 * added to the result's errors).
 */
export async function streamSqlInputs(
  inputs: SqlInput[],
  options: SafetyCheckOptions,
  stream: CheckStream,
  unread: CheckError[] = [],
): Promise<SafetyCheckResult<ReportSummary>> {
  return runChecks(
    inputs,
    options,
    async (input, validate, engine) => {
      const sink = stream.file(
        {
          engine: engine.name,
          ...(validate.file ? { file: validate.file } : {}),
          pgVersion: validate.pgVersion ?? DEFAULT_PG_VERSION,
          assumeInTransaction: validate.assumeInTransaction ?? false,
          largeTableRows: validate.largeTableRows ?? DEFAULT_LARGE_TABLE_ROWS,
        },
        input.sql,
      );
      const report = await engine.check(
        input.sql,
        validate,
        input.origins || input.transactionFix ? withSinkOrigins(sink, input) : sink,
      );
      const stopped = stoppedBy(report, input);
      stream.fileEnd(stopped ? { report, error: stopped } : { report });
      return report;
    },
    (settings, notes) => stream.begin(settings, { notes, errors: unread }),
    (error) => stream.fileEnd({ error }),
  );
}

async function runChecks<Report extends ReportSummary>(
  inputs: SqlInput[],
  options: SafetyCheckOptions,
  checkFile: (input: SqlInput, validate: ValidateOptions, engine: SafetyEngine) => Promise<Report>,
  begin?: (settings: CheckSettings, notes: string[]) => void,
  failed?: (error: CheckError) => void,
): Promise<SafetyCheckResult<Report>> {
  let chars = 0;
  for (const input of inputs) chars += input.sql.length;
  for (const earlier of options.history ?? []) chars += earlier.sql.length;
  optimizeForInput(chars);
  const loaded = options.root ? await loadSafetyConfig(options.root, allRuleIds) : { config: {} as SafetyConfig };
  const checking = await checkingEngines([options.engine, ...inputs.map((input) => input.engine?.name)]);
  const engineOf = (input: SqlInput) => checking(input.engine?.name ?? options.engine);
  // Earlier migrations are replayed by the PostgreSQL parser: only when every input is PostgreSQL SQL.
  const replayHistory = inputs.every((input) => engineOf(input).name === 'postgresql');
  const config = loaded.config;
  // The server version: the caller's, else the configuration's (then each engine reads it as it would an option).
  const engineVersionSource = options.engineVersion !== undefined ? 'option' : (loaded.source ?? 'configuration');
  if (options.engineVersion === undefined && config.engineVersion !== undefined)
    options = { ...options, engineVersion: config.engineVersion };
  const facts = options.databaseUrl ? await readDatabaseFacts(options.databaseUrl) : undefined;
  const rowCounts = { ...(facts?.rowCounts ?? {}), ...(config.rowCounts ?? {}), ...(options.rowCounts ?? {}) };
  const snapshot = options.snapshot ?? facts?.snapshot;
  const historyNotes: string[] = [];
  const catalog: MigrationCatalog = await buildCatalog(
    {
      rowCounts,
      catalog: {
        ...(snapshot ? { snapshot } : {}),
        ...(options.history && replayHistory ? { history: options.history } : {}),
        ...(options.historyComplete === false ? { historyComplete: false } : {}),
      },
    },
    (note) => historyNotes.push(note),
  );
  const checked = [...new Set(inputs.map(engineOf))];
  const onlyPostgres = checked.every((engine) => engine.name === 'postgresql');
  const version = resolvePgVersion(options, config, loaded.source, onlyPostgres, engineVersionSource);
  // Read once, before any file: a version an engine cannot read is a usage error, not one error per file.
  const versionNotes = [
    ...new Set(
      inputs.flatMap((input) => {
        const target = serverVersionOf(input, options, engineOf(input));
        const note = engineOf(input).versionNote?.(target.version);
        return note ? [target.source ? `${note.replace(/\.$/, '')} (${target.source}).` : note] : [];
      }),
    ),
  ];
  const base: ValidateOptions = {
    pgVersion: version.version,
    assumeInTransaction: options.assumeInTransaction ?? config.assumeInTransaction ?? false,
    largeTableRows: options.largeTableRows ?? config.largeTableRows ?? DEFAULT_LARGE_TABLE_ROWS,
    rowCounts,
    ruleSeverity: { ...ruleSeverities(config), ...(options.ruleSeverity ?? {}) },
    catalog,
  };
  const settings: CheckSettings = {
    engine: checking(options.engine).name,
    pgVersion: version.version,
    pgVersionSource: version.source,
    assumeInTransaction: base.assumeInTransaction ?? false,
    largeTableRows: base.largeTableRows ?? DEFAULT_LARGE_TABLE_ROWS,
    ...(loaded.source ? { configSource: loaded.source } : {}),
  };
  const notes = [...versionNotes, ...(options.notes ?? []), ...historyNotes, ...fileNotes(inputs)];
  begin?.(settings, notes);
  const files: Report[] = [];
  const errors: SafetyCheckResult['errors'] = [];
  const catalogOf = folderCatalogs(inputs, catalog, async () =>
    buildCatalog({ rowCounts, catalog: snapshot ? { snapshot } : {} }),
  );
  for (const input of inputs) {
    const fileCatalog = await catalogOf(input);
    for (const earlier of input.before ?? []) {
      try {
        await replay(fileCatalog, earlier.sql, earlier.file);
      } catch {
        // Unparsable: what it changed is not known (the tables it creates, the columns it adds).
        fileCatalog.forgetAfterUnknownChanges();
      }
    }
    fileCatalog.startMigration();
    if (input.afterUnread) fileCatalog.forgetAfterUnknownChanges();
    try {
      const down = input.down
        ? { sql: input.down.sql, file: input.down.file, ...(input.down.fails ? { fails: input.down.fails } : {}) }
        : input.downMissing || options.downMissing
          ? false
          : undefined;
      const report = await checkFile(
        input,
        {
          ...base,
          ...(input.inTransaction !== undefined ? { assumeInTransaction: input.inTransaction } : {}),
          ...(input.oneQuery ? { oneQuery: true } : {}),
          file: input.file,
          catalog: fileCatalog,
          ...engineVersionOf(input, options, engineOf(input)),
          ...(down === undefined ? {} : { down }),
          ...(input.origins ? { lineLabel: sourceLineLabel(input), sourceLine: ownSourceLine(input) } : {}),
        },
        engineOf(input),
      );
      files.push(report);
      const stopped = stoppedBy(report, input);
      if (stopped) errors.push(stopped);
    } catch (error) {
      const userError = toUserError(error);
      if (userError.code === 'internal') throw error;
      const described = withErrorOrigin(userError.toJSON(), input);
      errors.push(described);
      failed?.(described);
    }
  }
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  let risk: Risk = 'LOW';
  for (const report of files) {
    for (const severity of ['error', 'warning', 'info'] as const) counts[severity] += report.counts[severity];
    if (RISK_ORDER[report.risk] > RISK_ORDER[risk]) risk = report.risk;
  }
  const { engine, ...rest } = settings;
  return withCoverage({ engine, risk, checkedRisk: risk, unchecked: [], counts, ...rest, files, errors, notes });
}

/**
 * The catalog each input is checked against. Each migration folder of a monorepo is its own database (trigger.dev:
 * three Prisma and Drizzle packages; river: one copy of its migrations per driver), so with several folders each
 * gets a catalog of its own, and one its format read from the first migration knows every table and index it has.
 * A single folder, or files from no folder, share the one catalog built from the snapshot and history. A folder
 * with a migration that could not be read is known up to it (see SqlInput.afterUnread).
 */
function folderCatalogs(
  inputs: SqlInput[],
  shared: MigrationCatalog,
  create: () => Promise<MigrationCatalog>,
): (input: SqlInput) => Promise<MigrationCatalog> {
  const single = new Set(inputs.map((input) => input.folder)).size < 2;
  const catalogs = new Map<string, MigrationCatalog>();
  return async (input) => {
    if (input.folder === undefined) return shared;
    let catalog = catalogs.get(input.folder);
    if (!catalog) {
      catalog = single ? shared : await create();
      // Known from its first migration; an unread one further on is forgotten from there (afterUnread).
      if (input.folderFromStart) catalog.markHistoryLoaded();
      catalogs.set(input.folder, catalog);
    }
    return catalog;
  };
}

/**
 * The server version text an input's engine reads: the caller's; else the version the project's files name for
 * that engine (a docker-compose mysql:8.0.35 image), when the engine can read it; else the flavour its engine
 * name gives (`mariadb`). PostgreSQL's version is pgVersion's (resolvePgVersion).
 */
function serverVersionOf(
  input: SqlInput,
  options: SafetyCheckOptions,
  engine: SafetyEngine,
): { version?: string; source?: string } {
  const name = input.engine?.name ?? options.engine;
  if (options.engineVersion !== undefined && options.engineVersion.trim() !== '')
    return { version: options.engineVersion };
  if (engine.name === 'postgresql') return {};
  const project = options.projectDatabase?.();
  if (project?.engine && project.version && safetyEngineCovers(engine.name, project.engine)) {
    const version = `${project.engine}-${project.version}`;
    try {
      engine.versionNote?.(version);
      return {
        version,
        source: `version from ${project.evidence.find((item) => item.includes(project.version ?? '')) ?? project.evidence[0] ?? 'the project files'}`,
      };
    } catch {
      // A tag such as `latest` names no version: as if none were given.
    }
  }
  return name && name !== engine.name && safetyEngineCovers(engine.name, name) ? { version: name } : {};
}

function engineVersionOf(
  input: SqlInput,
  options: SafetyCheckOptions,
  engine: SafetyEngine,
): { engineVersion?: string } {
  const { version } = serverVersionOf(input, options, engine);
  return version === undefined ? {} : { engineVersion: version };
}

/**
 * Settles `risk` from what was and was not checked: any input that could not be read, compiled or parsed to its
 * end (`errors`), or no file checked at all, makes it NOT FULLY CHECKED — a safety check never says LOW about
 * SQL it did not see. Called again when errors found before the check are added.
 */
export function withCoverage<Result extends SafetyCheckResult<ReportSummary>>(result: Result): Result {
  const unchecked = result.errors.map((error) => {
    const where = error.where?.file
      ? `${error.where.file}${error.where.line !== undefined ? `:${error.where.line}` : ''}`
      : '<input>';
    const partly = result.files.some((file) => file.notFullyChecked && file.file === error.where?.file);
    return `${where}: ${partly ? 'checked only up to this line' : 'not checked'} (${error.what.split('\n')[0]})`;
  });
  if (result.files.length === 0) unchecked.push('No file was checked.');
  return { ...result, unchecked, risk: unchecked.length > 0 ? 'NOT FULLY CHECKED' : result.checkedRisk };
}

/** "HIGH", "NOT FULLY CHECKED (what was checked: LOW)", or "NOT FULLY CHECKED (nothing was checked)". */
export function describeRisk(result: Pick<SafetyCheckResult<ReportSummary>, 'risk' | 'checkedRisk' | 'files'>): string {
  if (result.risk !== 'NOT FULLY CHECKED') return result.risk;
  return result.files.length === 0
    ? 'NOT FULLY CHECKED (nothing was checked)'
    : `NOT FULLY CHECKED (what was checked: ${result.checkedRisk})`;
}

/** The syntax error that stopped a file part-way, as the result's errors list it. */
function stoppedBy(report: ReportSummary, input: SqlInput): CheckError | undefined {
  if (!report.notFullyChecked) return undefined;
  const { line, column, uncheckedFrom, ...error } = report.notFullyChecked;
  const what = `${error.what}\n    (statements before line ${uncheckedFrom} were checked, the rest was not)`;
  return withErrorOrigin({ ...error, what, where: { file: input.file, line, column } }, input);
}

/**
 * What the check was for: "PostgreSQL 15 (version from …)", "MySQL/MariaDB", "SQLite", or several when a
 * monorepo's folders run on different engines.
 */
export function describeTarget(
  result: Pick<SafetyCheckResult<ReportSummary>, 'engine' | 'files' | 'pgVersion' | 'pgVersionSource'>,
): string {
  const engines = new Set<string>(result.files.length > 0 ? result.files.map((file) => file.engine) : [result.engine]);
  return [...engines]
    .map((engine) =>
      engine === 'postgresql'
        ? `PostgreSQL ${result.pgVersion} (${describeVersionSource(result.pgVersionSource)})`
        : engine === 'mysql'
          ? 'MySQL/MariaDB'
          : engineLabel(engine),
    )
    .join(', ');
}

/** "from docker-compose.yml: service db image postgres:16.3", or why the default was used. */
export function describeVersionSource(source: string): string {
  return source === 'default'
    ? 'the default version: none in options, configuration or project files'
    : `version from ${source}`;
}

/** Option, then configuration, then the version the project's files name (docker-compose image …), then 15. */
function resolvePgVersion(
  options: SafetyCheckOptions,
  config: SafetyConfig,
  configSource: string | undefined,
  onlyPostgres: boolean,
  engineVersionSource: string,
): { version: number; source: string } {
  if (options.pgVersion !== undefined) return { version: options.pgVersion, source: 'option' };
  const given = /^(?:postgres(?:ql)?[-\s]?)?(\d+)(?:\.\d+)*$/i.exec(options.engineVersion?.trim() ?? '');
  const major = Number(given?.[1]);
  // A PostgreSQL major (9 … 30) only when every input is PostgreSQL: 10.11 or 8.0.35 name other servers.
  if (given && major >= 9 && major <= 30 && onlyPostgres) return { version: major, source: engineVersionSource };
  const written = options.engineVersion?.trim() ?? '';
  if (onlyPostgres && written !== '')
    throw new UserError(
      'usage',
      `The server version "${written}" is not a PostgreSQL version, and every migration checked is PostgreSQL.`,
      'Give the PostgreSQL major version, e.g. --engine-version 16 (MCP: options.engineVersion "16"), or name the engine the migrations run on with --engine.',
    );
  if (config.pgVersion !== undefined) return { version: config.pgVersion, source: configSource ?? 'configuration' };
  const detected = options.projectDatabase ? projectPgVersion(options.projectDatabase()) : undefined;
  if (detected) return detected;
  return { version: DEFAULT_PG_VERSION, source: 'default' };
}

/** Adds the source line (the `.ts` line) to each finding of SQL compiled from code. */
function withOrigins(report: ValidationReport, input: SqlInput): ValidationReport {
  const findings = report.findings.map((finding) => findingWithOrigin(finding, input));
  const locks = report.locks.map((summary) => summaryWithOrigin(summary, input));
  return { ...report, findings, locks };
}

/** The same for findings and lock summaries on their way to a stream. */
function withSinkOrigins(sink: StatementSink, input: SqlInput): StatementSink {
  return {
    statement(findings, summary) {
      sink.statement(
        findings.map((finding) => findingWithOrigin(finding, input)),
        summary && summaryWithOrigin(summary, input),
      );
    },
    end(findings) {
      sink.end(findings.map((finding) => findingWithOrigin(finding, input)));
    },
  };
}

function findingWithOrigin(finding: Finding, input: SqlInput): Finding & { origin?: FindingOrigin } {
  const origin = originAt(input.origins, finding.span.start.line);
  const fixed = withToolFix(finding, input);
  return origin ? { ...fixed, file: origin.file, origin } : fixed;
}

/** A statement that cannot run in the migration's transaction: the fix names the tool's own way out. */
function withToolFix(finding: Finding, input: SqlInput): Finding {
  if (!input.transactionFix || finding.ruleId !== 'concurrently-in-transaction' || !finding.fix) return finding;
  return { ...finding, fix: { ...finding.fix, summary: `${finding.fix.summary} (${input.transactionFix})` } };
}

function summaryWithOrigin(summary: StatementSummary, input: SqlInput): StatementSummary & { origin?: FindingOrigin } {
  const origin = originAt(input.origins, summary.span.start.line);
  return origin ? { ...summary, origin } : summary;
}

/** Evidence for SQL compiled from code names the source line (`migrations/001_users.ts:14`), not the SQL's. */
/** The line of the input's own file (not a helper it calls) that produced a line of its compiled SQL. */
function ownSourceLine(input: SqlInput): (line: number) => number | undefined {
  return (line) => {
    const origin = originAt(input.origins, line);
    return origin?.file === input.file ? origin.line : undefined;
  };
}

function sourceLineLabel(input: SqlInput): (line: number) => string {
  return (line) => {
    const origin = originAt(input.origins, line);
    return origin ? `${origin.file}:${origin.line}` : `line ${line} of the SQL compiled from ${input.file}`;
  };
}

function withErrorOrigin(error: ReturnType<UserError['toJSON']>, input: SqlInput): ReturnType<UserError['toJSON']> {
  const origin = error.where?.line !== undefined ? originAt(input.origins, error.where.line) : undefined;
  if (!origin) return error;
  return {
    ...error,
    what: `${error.what} (line ${error.where?.line} of the SQL compiled from ${input.file})`,
    where: { file: origin.file, line: origin.line, ...(origin.column !== undefined ? { column: origin.column } : {}) },
  };
}

export const SUPPORTED_ENGINES = ['postgresql', 'mysql', 'mariadb', 'sqlite'] as const;

/**
 * The safety check of each engine name (PostgreSQL when none is named), loaded before the first file; an engine
 * no check covers is refused.
 */
async function checkingEngines(
  names: Array<string | undefined>,
): Promise<(engine: string | undefined) => SafetyEngine> {
  const engines = new Map<string | undefined, SafetyEngine>();
  for (const name of new Set(names)) {
    const found = await safetyEngineFor(name);
    if (!found) throw engineRefusal({ name: name ?? 'unknown', where: 'option' }, []);
    engines.set(name, found);
  }
  return (engine) => engines.get(engine) as SafetyEngine;
}

/** Every rule id of every engine: what configuration and ignore comments may name. */
export async function allRuleIds(): Promise<Set<string>> {
  return new Set((await allSafetyEngines()).flatMap((engine) => engine.ruleMeta().map((meta) => meta.id)));
}

/** Refuses engines the safety rules do not cover yet, saying which are. */
export function requireSupportedEngine(engine: string): void {
  if ((SUPPORTED_ENGINES as readonly string[]).includes(engine)) return;
  throw new UserError(
    'engine-unsupported',
    `validate_safety does not support the engine "${engine}" yet.`,
    `Pass one of the supported engines: ${SUPPORTED_ENGINES.join(', ')}.`,
  );
}

const ENGINE_NAMES: Record<string, string> = {
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  sqlite: 'SQLite',
  mssql: 'SQL Server',
  mongodb: 'MongoDB',
  cockroachdb: 'CockroachDB',
};

/** What requireProjectEngine and scopeByEngine weigh: the caller's engine, the format's, the project's. */
export interface EngineChoice {
  explicit?: string;
  declared?: { name: string; where: string };
  project?: () => ProjectDatabase;
  /** The inputs that would have been checked, named in the refusal so none goes uncounted. */
  inputs?: string[];
}

/** An engine claim with where it was learned (and the file, when the project's files named it). */
export interface EngineClaim {
  name: string;
  where: string;
  file?: string | undefined;
}

/**
 * The engine to check for: the caller's, else the one the migration format declares (knexfile client, Prisma
 * provider …), else the one the project's files name. Anything but PostgreSQL is refused with where it was
 * learned — PostgreSQL rules on MySQL text would give wrong answers.
 */
export function requireProjectEngine(choice: EngineChoice): { engine: string; source: string } {
  if (choice.explicit !== undefined) {
    requireSupportedEngine(choice.explicit);
    return { engine: choice.explicit, source: 'option' };
  }
  const found = claimedEngine(choice);
  const conflict = found ? undefined : conflictingEngines(choice);
  if (conflict) throw engineAmbiguity(conflict, choice.inputs ?? []);
  if (!found || found.name === 'unknown') return { engine: 'postgresql', source: 'default' };
  if (hasRules(found.name)) return { engine: found.name, source: found.where };
  throw engineRefusal(found, choice.inputs ?? []);
}

/** The engine the format declares or the project's files name (undefined when nothing does); never throws. */
export function claimedEngine(choice: Pick<EngineChoice, 'declared' | 'project'>): EngineClaim | undefined {
  const project = choice.declared && choice.declared.name === 'postgresql' ? undefined : choice.project?.();
  const claim = projectClaim(project);
  // The project's files name where the format's engine was declared (knexfile client …) when they agree.
  return choice.declared
    ? claim?.name === choice.declared.name
      ? claim
      : { name: choice.declared.name, where: choice.declared.where, file: undefined }
    : claim;
}

/**
 * The project's conflicting engine claims, when no engine was given or declared by the format and the project's
 * files disagree (each "mysql (package.json: driver mysql2 …)"); undefined otherwise.
 */
export function conflictingEngines(choice: Pick<EngineChoice, 'declared' | 'project'>): string[] | undefined {
  if (choice.declared) return undefined;
  const conflict = choice.project?.().conflict;
  return conflict && conflict.length > 0 ? conflict : undefined;
}

/** The refusal when the project names several engines: never checked as PostgreSQL by default. */
export function engineAmbiguity(conflict: string[], inputs: string[]): UserError {
  const listed =
    inputs.length > 0
      ? ` Not checked: ${inputs.length} file(s): ${inputs.slice(0, 5).join(', ')}${inputs.length > 5 ? ` and ${inputs.length - 5} more` : ''}.`
      : '';
  return new UserError(
    'engine-ambiguous',
    `This project names more than one database engine — ${conflict.join('; ')} — so the engine its migrations run on is unknown, and nothing was checked: PostgreSQL rules on MySQL or SQLite SQL would report wrong locks and hazards.${listed}`,
    'Say which engine these migrations run on: MCP "engine" (CLI --engine) postgresql, mysql, mariadb or sqlite.',
    { file: conflictFile(conflict) },
  );
}

/** True for the engines the safety rules cover (and for an engine nothing names: PostgreSQL is the default). */
export function hasRules(engine: string | undefined): boolean {
  return engine === undefined || engine === 'unknown' || (SUPPORTED_ENGINES as readonly string[]).includes(engine);
}

/** "MySQL" for "mysql": how an engine is named to people. */
export function engineLabel(engine: string): string {
  return ENGINE_NAMES[engine] ?? engine;
}

/** The refusal when nothing to check is PostgreSQL: what was not checked, and why. */
export function engineRefusal(found: EngineClaim, inputs: string[]): UserError {
  const label = engineLabel(found.name);
  const listed =
    inputs.length > 0
      ? ` Not checked: no rules for ${label} yet — ${inputs.length} file(s): ${inputs.slice(0, 5).join(', ')}${inputs.length > 5 ? ` and ${inputs.length - 5} more` : ''}.`
      : ` Not checked: no rules for ${label} yet.`;
  return new UserError(
    'engine-unsupported',
    `This project targets ${label} (${found.where}), and validate_safety has rules for PostgreSQL, MySQL/MariaDB and SQLite only: checking ${label} SQL with another engine's rules would report wrong locks and hazards, so nothing was checked.${listed}`,
    `If this SQL really runs on one of those engines, pass it explicitly (MCP "engine", CLI --engine). Safety rules for ${label} are not written yet; rehearse_migration on a throw-away ${label} database still tests the migration.`,
    found.file ? { file: found.file } : undefined,
  );
}

function projectClaim(
  database: ProjectDatabase | undefined,
): { name: string; where: string; file?: string } | undefined {
  if (!database?.engine) return undefined;
  const where = database.evidence[0] ?? 'project files';
  return { name: database.engine, where, file: where.split(': ')[0] };
}

/**
 * Each file's notes, prefixed with its path; a note that many files share (a folder whose tool runs every file
 * outside a transaction) is said once with the number of files, not once per file.
 */
function fileNotes(inputs: readonly SqlInput[]): string[] {
  const filesByNote = new Map<string, string[]>();
  for (const input of inputs)
    for (const note of input.notes ?? []) filesByNote.set(note, [...(filesByNote.get(note) ?? []), input.file]);
  return [...filesByNote].flatMap(([note, files]) =>
    files.length < 3
      ? files.map((file) => `${file}: ${note}`)
      : [`${files.length} files (${files[0]}, ${files[1]} …): ${note}`],
  );
}
