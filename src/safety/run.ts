import { toUserError, UserError } from '../errors.js';
import type { MigrationCatalog, SchemaSnapshot } from './catalog.js';
import { loadSafetyConfig, ruleSeverities, type SafetyConfig } from './config.js';
import { readDatabaseFacts } from './database.js';
import {
  buildCatalog,
  DEFAULT_LARGE_TABLE_ROWS,
  DEFAULT_PG_VERSION,
  knownRuleIds,
  type ValidateOptions,
  validatePostgres,
} from './engine.js';
import type { SqlInput } from './inputs.js';
import type { Risk, ValidationReport } from './report.js';
import { RULES } from './rules/index.js';
import type { Severity } from './types.js';

/**
 * One safety check over one or more migrations, in order, sharing what earlier files created — the entry point
 * behind both `check` and `validate_safety`. Options given by the caller override the project configuration,
 * which overrides the defaults.
 */

export interface SafetyCheckOptions {
  pgVersion?: number;
  assumeInTransaction?: boolean;
  largeTableRows?: number;
  rowCounts?: Record<string, number>;
  /** Read row counts and the current schema, read-only, from this PostgreSQL URL. */
  databaseUrl?: string;
  snapshot?: SchemaSnapshot;
  /** Earlier migrations (already applied), oldest first. */
  history?: Array<{ sql: string; file?: string }>;
  ruleSeverity?: Record<string, Severity | 'off'>;
  /** Project root for the configuration file; no configuration is read when absent. */
  root?: string;
  /** Whether the down migration is known to be absent (text input without one). */
  downMissing?: boolean;
}

export interface SafetyCheckResult {
  engine: 'postgresql';
  risk: Risk;
  counts: Record<Severity, number>;
  pgVersion: number;
  assumeInTransaction: boolean;
  largeTableRows: number;
  configSource?: string;
  files: ValidationReport[];
  /** Inputs that could not be checked (syntax errors), with file:line:col. */
  errors: Array<ReturnType<UserError['toJSON']>>;
}

const RISK_ORDER: Record<Risk, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

export async function checkSqlInputs(inputs: SqlInput[], options: SafetyCheckOptions = {}): Promise<SafetyCheckResult> {
  const loaded = options.root
    ? await loadSafetyConfig(options.root, knownRuleIds(RULES))
    : { config: {} as SafetyConfig };
  const config = loaded.config;
  const facts = options.databaseUrl ? await readDatabaseFacts(options.databaseUrl) : undefined;
  const rowCounts = { ...(facts?.rowCounts ?? {}), ...(config.rowCounts ?? {}), ...(options.rowCounts ?? {}) };
  const snapshot = options.snapshot ?? facts?.snapshot;
  const catalog: MigrationCatalog = await buildCatalog({
    rowCounts,
    catalog: { ...(snapshot ? { snapshot } : {}), ...(options.history ? { history: options.history } : {}) },
  });
  const base: ValidateOptions = {
    pgVersion: options.pgVersion ?? config.pgVersion ?? DEFAULT_PG_VERSION,
    assumeInTransaction: options.assumeInTransaction ?? config.assumeInTransaction ?? false,
    largeTableRows: options.largeTableRows ?? config.largeTableRows ?? DEFAULT_LARGE_TABLE_ROWS,
    rowCounts,
    ruleSeverity: { ...ruleSeverities(config), ...(options.ruleSeverity ?? {}) },
    catalog,
  };
  const files: ValidationReport[] = [];
  const errors: SafetyCheckResult['errors'] = [];
  for (const input of inputs) {
    catalog.startMigration();
    try {
      const down = input.down
        ? { sql: input.down.sql, file: input.down.file }
        : options.downMissing
          ? false
          : undefined;
      files.push(
        await validatePostgres(input.sql, { ...base, file: input.file, ...(down === undefined ? {} : { down }) }),
      );
    } catch (error) {
      const userError = toUserError(error);
      if (userError.code === 'internal') throw error;
      errors.push(userError.toJSON());
    }
  }
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  let risk: Risk = 'LOW';
  for (const report of files) {
    for (const severity of ['error', 'warning', 'info'] as const) counts[severity] += report.counts[severity];
    if (RISK_ORDER[report.risk] > RISK_ORDER[risk]) risk = report.risk;
  }
  return {
    engine: 'postgresql',
    risk,
    counts,
    pgVersion: base.pgVersion ?? DEFAULT_PG_VERSION,
    assumeInTransaction: base.assumeInTransaction ?? false,
    largeTableRows: base.largeTableRows ?? DEFAULT_LARGE_TABLE_ROWS,
    ...(loaded.source ? { configSource: loaded.source } : {}),
    files,
    errors,
  };
}

export const SUPPORTED_ENGINES = ['postgresql'] as const;

/** Refuses engines the safety rules do not cover yet, saying which are. */
export function requireSupportedEngine(engine: string): void {
  if ((SUPPORTED_ENGINES as readonly string[]).includes(engine)) return;
  throw new UserError(
    'engine-unsupported',
    `validate_safety does not support the engine "${engine}" yet.`,
    `Pass engine "postgresql" (supported engines: ${SUPPORTED_ENGINES.join(', ')}); safety rules for MySQL, MariaDB and SQLite are not written yet.`,
  );
}
