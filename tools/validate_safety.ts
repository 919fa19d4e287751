import { z } from 'zod';
import { PG_LOCK_MODES } from '../src/engines/postgresql/locks.js';
import { UserError } from '../src/errors.js';
import { projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';
import { executeProjectCodeField, projectRootField } from './fields.js';
import { fieldList } from './listing.js';

const severity = z.enum(['error', 'warning', 'info']);
const position = z.object({ line: z.number().int(), column: z.number().int() });
const span = z.object({ start: position, end: position });
const lockMode = z.enum(PG_LOCK_MODES);
const lockClaim = z.object({
  mode: lockMode,
  on: z.string(),
  relation: z.string().optional().describe("The relation locked, where it is not the finding's table"),
  blocks: z.string(),
});
const fixStep = z.object({
  description: z.string(),
  sql: z.string(),
  outsideTransaction: z.boolean(),
  separateMigration: z.boolean(),
});
const finding = z.object({
  ruleId: z.string(),
  title: z.string(),
  severity,
  category: z.enum(['safe', 'careful', 'dangerous']),
  message: z.string(),
  why: z.string(),
  file: z.string().optional(),
  origin: z
    .object({ file: z.string(), line: z.number().int(), column: z.number().int().optional() })
    .optional()
    .describe('Where the statement was written when the SQL was compiled from code: the .ts/.js/.py line'),
  statementIndex: z.number().int(),
  span,
  statement: z.string(),
  table: z.string().optional(),
  locks: z.array(lockClaim),
  rewritesTable: z.boolean(),
  scansTable: z.boolean(),
  breaksOldCode: z.boolean(),
  fix: z.object({ summary: z.string(), steps: z.array(fixStep) }).optional(),
  estimatedLockSeconds: z.number().optional(),
});
const lockEntry = z.object({
  table: z.string(),
  mode: z.string().describe('PostgreSQL lock mode; MySQL: ALGORITHM=…, LOCK=…'),
  servers: z.string().optional().describe('MySQL server lines this entry is for (version not given)'),
  on: z.string(),
  blocks: z.string(),
  rewrite: z.boolean(),
  scan: z.boolean(),
  source: z.enum(['lock-map', 'rule']),
  ruleId: z.string().optional(),
  ruleClaim: z.object({ ruleId: z.string(), mode: lockMode }).optional(),
  rows: z.number().optional(),
  estimatedLockSeconds: z.number().optional(),
});
const report = z.object({
  engine: z.enum(['postgresql', 'mysql', 'sqlite']),
  file: z.string().optional(),
  pgVersion: z.number(),
  assumeInTransaction: z.boolean(),
  largeTableRows: z.number(),
  statementCount: z.number().int(),
  risk: z.enum(['LOW', 'MEDIUM', 'HIGH']),
  riskReasons: z.array(z.string()),
  counts: z.object({ error: z.number().int(), warning: z.number().int(), info: z.number().int() }),
  findings: z.array(finding),
  suppressed: z.array(
    z.object({ ruleId: z.string(), statementIndex: z.number().int(), line: z.number().int(), reason: z.string() }),
  ),
  locks: z
    .array(
      z.object({
        index: z.number().int(),
        kind: z.string(),
        span,
        text: z.string(),
        inTransaction: z.boolean(),
        origin: z.object({ file: z.string(), line: z.number().int(), column: z.number().int().optional() }).optional(),
        locks: z.array(lockEntry),
        findings: z.number().int(),
      }),
    )
    .describe('Statements that lock a table that existed before their transaction: mode, what it blocks, estimate'),
  checklist: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z.enum(['pass', 'fail', 'unknown']),
      evidence: z.array(z.string()),
    }),
  ),
  ruleErrors: z.array(z.string()),
  notFullyChecked: z
    .object({
      code: z.string(),
      what: z.string(),
      fix: z.string(),
      line: z.number().int(),
      column: z.number().int(),
      uncheckedFrom: z.number().int().describe('First line not checked: where the failing statement starts'),
    })
    .optional()
    .describe('The file could not be parsed to its end: statements before this line were checked, the rest was not'),
  omitted: z
    .object({ findings: z.number().int(), locks: z.number().int() })
    .optional()
    .describe('Findings and lock summaries of this file left out by maxFindings (the least severe ones)'),
});

const DEFAULT_MAX_FINDINGS = 200;

const optionsSchema = z.object({
  pgVersion: z.number().int().min(9).max(30).optional().describe('Target major (default: config, project, 15)'),
  engineVersion: z.string().optional().describe('Any engine: 16, 8.0.35, mariadb-10.11 (MySQL locks depend on it)'),
  assumeInTransaction: z.boolean().optional().describe('Plain SQL runs in a transaction'),
  rowCounts: z
    .record(z.string(), z.number().int().nonnegative())
    .optional()
    .describe('Rows per table, {"orders": 12000000}'),
  largeTableRows: z.number().int().positive().optional().describe('Large from this many rows (default 1000000)'),
  databaseUrl: z.string().optional().describe('Read-only: row counts and schema'),
  historyPaths: z.array(z.string()).optional().describe('Applied migrations before these'),
  rules: z
    .record(z.string(), z.enum(['off', 'error', 'warning', 'info']))
    .optional()
    .describe('Per-rule severity or "off"'),
  timeoutMs: z.number().int().positive().max(300_000).optional().describe('Per compiled file (default 10000)'),
  maxFindings: z
    .number()
    .int()
    .positive()
    .max(10_000)
    .optional()
    .describe(`Per file, most severe kept (default ${DEFAULT_MAX_FINDINGS})`),
});

const inputSchema = z.object({
  sql: z.string().optional(),
  downSql: z.string().optional(),
  paths: z.array(z.string()).optional().describe('Files, folders, globs (default: all)'),
  executeProjectCode: executeProjectCodeField,
  engine: z.string().optional(),
  projectRoot: projectRootField,
  options: optionsSchema.optional(),
});

const listedInput = inputSchema.extend({
  options: z.looseObject({}).optional().describe(fieldList(optionsSchema).replaceAll('?', '')),
});

export const validateSafetyTool = defineTool({
  name: 'validate_safety',
  title: 'Validate safety',
  description:
    'Use before applying a migration: data loss, locks, rewrites, scans, compatibility; each finding with its fix; checklist, risk. Rules: db-migration-agent://rules.',
  inputSchema,
  listedInput,
  outputSchema: z.object({
    engine: z.enum(['postgresql', 'mysql', 'sqlite']),
    risk: z
      .enum(['LOW', 'MEDIUM', 'HIGH', 'NOT FULLY CHECKED'])
      .describe('NOT FULLY CHECKED when an input could not be read, compiled or parsed to its end (see unchecked)'),
    checkedRisk: z.enum(['LOW', 'MEDIUM', 'HIGH']).describe('The risk of what was checked'),
    unchecked: z.array(z.string()).describe('What was not checked, and why; empty when everything was'),
    counts: z.object({ error: z.number().int(), warning: z.number().int(), info: z.number().int() }),
    pgVersion: z.number(),
    pgVersionSource: z
      .string()
      .describe('Where the PostgreSQL version came from (option, config, project file, default)'),
    assumeInTransaction: z.boolean(),
    largeTableRows: z.number(),
    configSource: z.string().optional(),
    notes: z.array(z.string()).describe('How the migrations were read: transaction modes, history not compiled …'),
    files: z.array(report),
    errors: z.array(
      z.object({
        code: z.string(),
        what: z.string(),
        where: z
          .object({ file: z.string().optional(), line: z.number().optional(), column: z.number().optional() })
          .optional(),
        fix: z.string(),
      }),
    ),
    truncated: z
      .boolean()
      .describe("Some findings were left out (see maxFindings and each file's omitted); counts are complete"),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, context) {
    const noPaths = input.paths === undefined || input.paths.length === 0;
    if (input.sql !== undefined && !noPaths) {
      throw new UserError(
        'input',
        'Give `sql` (migration text) or `paths` (migration files, folders or globs), not both.',
        'Pass {"sql": "ALTER TABLE …"}, {"paths": ["migrations/"]}, or neither to check every migration folder of the project.',
      );
    }
    const root = await context.resolveRoot(input.projectRoot);
    const options = input.options ?? {};
    await context.progress(0, undefined, 'reading the migrations');
    const [{ streamMigrations }, { summarizeSafety }, { CappedReportCollector }] = await Promise.all([
      import('../src/safety/validate.js'),
      import('../src/safety/summary.js'),
      import('../src/safety/capped-report.js'),
    ]);
    // Keeps the most severe findings of each file as they are found, so a huge migration is never held whole.
    const collector = new CappedReportCollector(options.maxFindings ?? DEFAULT_MAX_FINDINGS);
    const streamed = await streamMigrations(
      {
        root,
        ...(input.sql !== undefined
          ? {
              text: {
                file: '<input>',
                sql: input.sql,
                ...(input.downSql !== undefined ? { down: { file: '<down>', sql: input.downSql } } : {}),
              },
            }
          : {}),
        // Neither: the whole project, every migration folder detect_setup finds.
        paths: input.sql !== undefined ? [] : noPaths ? ['.'] : (input.paths ?? []),
        ...(input.engine !== undefined ? { engine: input.engine } : {}),
        executeProjectCode: projectCodeConsent(input.executeProjectCode, context),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        signal: context.signal,
        ...(options.historyPaths ? { historyPaths: options.historyPaths } : {}),
        check: {
          ...(options.pgVersion !== undefined ? { pgVersion: options.pgVersion } : {}),
          ...(options.engineVersion !== undefined ? { engineVersion: options.engineVersion } : {}),
          ...(options.assumeInTransaction !== undefined ? { assumeInTransaction: options.assumeInTransaction } : {}),
          ...(options.rowCounts ? { rowCounts: options.rowCounts } : {}),
          ...(options.largeTableRows !== undefined ? { largeTableRows: options.largeTableRows } : {}),
          ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
          ...(options.rules ? { ruleSeverity: options.rules } : {}),
        },
      },
      collector,
    );
    const { inputs } = streamed;
    const result = collector.result(streamed.result);
    await context.progress(inputs.length, inputs.length, 'done');
    if (result.files.length === 0 && result.errors.length > 0) {
      const first = result.errors[0];
      const more =
        result.errors.length > 1
          ? ` (${result.errors.length - 1} more file(s) could not be checked either: ${result.errors
              .slice(1, 6)
              .map((error) => error.where?.file ?? '<input>')
              .join(', ')})`
          : '';
      throw new UserError(
        first?.code ?? 'sql-syntax',
        `${first?.what ?? 'The SQL could not be parsed.'}${more}`,
        first?.fix ?? 'Fix the SQL.',
        first?.where,
      );
    }
    return { structured: result, text: summarizeSafety(result) };
  },
});
