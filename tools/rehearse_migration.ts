import { z } from 'zod';
import { EXECUTE_PROJECT_CODE_DESCRIPTION, projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';

const location = z.object({ file: z.string(), line: z.number(), column: z.number() });
const schemaChange = z.object({
  kind: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  object: z.string(),
  fields: z.array(z.string()).optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

const outputSchema = z.object({
  engine: z.enum(['postgresql', 'mysql', 'sqlite']),
  shadow: z.string(),
  migration: z.object({
    id: z.string(),
    path: z.string(),
    transactional: z.boolean(),
    statements: z.number(),
    hasDown: z.boolean(),
  }),
  baseline: z.object({
    kind: z.enum(['migrations', 'dump', 'none']),
    migrationsReplayed: z.number(),
    tables: z.array(z.object({ table: z.string(), rows: z.number(), note: z.string().optional() })),
    durationMs: z.number(),
    cached: z.boolean(),
    cachedAgeMs: z.number().optional(),
  }),
  outcome: z.enum(['passed', 'failed']),
  failure: z.object({ phase: z.string(), statement: z.number(), message: z.string(), location: z.string() }).optional(),
  steps: z.array(
    z.object({
      phase: z.enum(['up', 'down', 'reapply']),
      index: z.number(),
      sql: z.string(),
      location,
      transaction: z.string(),
      durationMs: z.number(),
      rowsAffected: z.number().optional(),
      locks: z.array(
        z.object({
          relation: z.string(),
          kind: z.string(),
          mode: z.string(),
          blocks: z.string(),
          heldUntil: z.string(),
          heldForMs: z.number(),
          newObject: z.boolean(),
        }),
      ),
      rewrites: z.array(z.object({ relation: z.string(), kind: z.string() })),
      scans: z.array(z.object({ relation: z.string(), sequentialScans: z.number() })),
      error: location
        .extend({ message: z.string(), code: z.string().optional(), detail: z.string().optional() })
        .optional(),
      notes: z.array(z.string()),
    }),
  ),
  roundTrip: z.object({
    status: z.enum(['passed', 'failed', 'skipped']),
    reason: z.string().optional(),
    downDifference: z.array(schemaChange),
    reapplyDifference: z.array(schemaChange),
  }),
  data: z.object({
    preserved: z.array(z.object({ table: z.string(), rows: z.number(), columns: z.array(z.string()) })),
    changed: z.array(z.object({ table: z.string(), column: z.string(), reason: z.string() })),
    destroyed: z.array(
      z.object({
        phase: z.string(),
        kind: z.enum(['table', 'column', 'rows']),
        object: z.string(),
        rows: z.number(),
        nonNullValues: z.number().optional(),
      }),
    ),
  }),
  estimates: z.array(
    z.object({
      statement: z.number(),
      location: z.string(),
      table: z.string(),
      work: z.enum(['rewrite', 'scan']),
      lock: z.string().optional(),
      syntheticRows: z.number(),
      measuredMs: z.number(),
      rowsPerSecond: z.number(),
      targetRows: z.number(),
      rowCountSource: z.string(),
      estimatedMs: z.number(),
      exceedsLockTimeout: z.boolean(),
      advice: z.string().optional(),
    }),
  ),
  lockTimeoutMs: z.number(),
  engineNotes: z.array(z.string()),
  notes: z.array(z.string()),
  durationMs: z.number(),
});

export const rehearseMigrationTool = defineTool({
  name: 'rehearse_migration',
  title: 'Rehearse a migration on a throw-away database',
  description:
    "Use after writing or generating a migration and before applying it anywhere real. Builds the schema the migration will meet (replays the project's earlier migrations, or loads a schema dump) on a throw-away database — embedded PGlite for PostgreSQL (no server needed), in-memory SQLite, or a fresh temporary database on a server named as shadow (SHADOW_DATABASE_URL; required for MySQL/MariaDB) — fills every table with synthetic rows that satisfy its constraints, then runs the migration statement by statement as the migration tool would. Returns per statement: locks actually taken (relation, mode, what it blocks, held until), table/index rewrites, full scans, duration, rows affected, and errors at file:line:col; then the up → down → up round trip (passed, or the exact schema difference), which data survived and which a step destroys, and with rowCounts the lock duration extrapolated to production size. Code migrations (knex, TypeORM, Sequelize, Alembic, Django) are turned into SQL by running their code, only with executeProjectCode: true or the user's yes when asked — JS/TS in a sandbox (read-only project access, no network, no writes, no processes, no credentials). Never touches user data: it only writes to databases it creates and drops them afterwards, also on failure or cancellation.",
  inputSchema: z.object({
    projectRoot: z.string().optional().describe('Project folder; defaults to the client root or working directory.'),
    migration: z
      .string()
      .min(1)
      .describe(
        "Path of the migration file (relative to the project root) or the SQL text of the up migration; '.' rehearses the newest migration of the project's only migration folder.",
      ),
    down: z.string().optional().describe('Path or SQL text of the down migration, when the migration file has none.'),
    engine: z
      .enum(['postgresql', 'mysql', 'mariadb', 'sqlite'])
      .optional()
      .describe("Default: the project's engine, else postgresql."),
    shadowUrl: z
      .string()
      .optional()
      .describe(
        'A server to create the temporary shadow database on (PostgreSQL/MySQL). Default: PGlite / SQLite in memory.',
      ),
    allowRemoteShadow: z
      .boolean()
      .optional()
      .describe(
        "Only with the user's explicit consent: accept a shadow server that is not on this machine (the host the driver really connects to, ?host= and PGHOST included) or whose host, database or user name looks like production.",
      ),
    rowsPerTable: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .optional()
      .describe('Synthetic rows per table (default 1000).'),
    rowCounts: z
      .record(z.string(), z.number().int().min(0))
      .optional()
      .describe('Production row counts per table ({"users": 5000000}) for the lock-duration estimate.'),
    baseline: z
      .string()
      .regex(/^(migrations|none|target|dump:.+)$/)
      .optional()
      .describe(
        '"migrations" (default: replay earlier migrations), "dump:<path to schema.sql>", "target" (copy the structure of targetUrl over a read-only connection), or "none".',
      ),
    targetUrl: z
      .string()
      .optional()
      .describe(
        'A real database (URL, or SQLite file) read over a read-only connection: row counts for the estimate, structure for baseline "target".',
      ),
    lockTimeoutMs: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('lock_timeout to compare lock holds with (default 5000).'),
    timeoutMs: z
      .number()
      .int()
      .min(1_000)
      .max(3_600_000)
      .optional()
      .describe('Time limit for the whole rehearsal (default 120000).'),
    executeProjectCode: z
      .boolean()
      .optional()
      .describe(
        `${EXECUTE_PROJECT_CODE_DESCRIPTION} Needed to rehearse a knex/TypeORM/Sequelize/Alembic/Django migration, or to replay such earlier migrations as the baseline.`,
      ),
  }),
  outputSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, context) {
    // The engine loads on first use, so the server starts fast (cold start is measured in bench/).
    const [{ renderRehearsal }, { runRehearsalRequest }] = await Promise.all([
      import('../src/shadow/render.js'),
      import('../src/shadow/request.js'),
    ]);
    const projectRoot = await context.resolveRoot(input.projectRoot);
    const report = await runRehearsalRequest({
      projectRoot,
      migration: input.migration,
      ...(input.down !== undefined ? { down: input.down } : {}),
      ...(input.engine ? { engine: input.engine } : {}),
      ...(input.shadowUrl ? { shadowUrl: input.shadowUrl } : {}),
      ...(input.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
      ...(input.rowsPerTable !== undefined ? { rowsPerTable: input.rowsPerTable } : {}),
      ...(input.rowCounts ? { rowCounts: input.rowCounts } : {}),
      ...(input.baseline ? { baseline: input.baseline } : {}),
      ...(input.targetUrl ? { targetUrl: input.targetUrl } : {}),
      ...(input.lockTimeoutMs !== undefined ? { lockTimeoutMs: input.lockTimeoutMs } : {}),
      ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
      executeProjectCode: projectCodeConsent(input.executeProjectCode, context),
      signal: context.signal,
      keepWarm: true,
      onProgress: (progress, total, message) => {
        void context.progress(progress, total, message);
      },
    });
    return { structured: report, text: renderRehearsal(report) + notesText(report.notes) };
  },
});

function notesText(notes: string[]): string {
  return notes.map((note) => `\nnote: ${note}`).join('');
}
