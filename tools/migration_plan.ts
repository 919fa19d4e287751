import { z } from 'zod';
import { EXECUTE_PROJECT_CODE_DESCRIPTION, projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';

const status = z.enum(['pass', 'fail', 'unknown']);
const blocked = z.enum(['reads and writes', 'writes', 'schema changes']);

const outputSchema = z.object({
  name: z.string(),
  summary: z.string(),
  risk: z.enum(['LOW', 'MEDIUM', 'HIGH']),
  riskReasons: z.array(z.string()),
  engine: z.string(),
  migrations: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      path: z.string(),
      format: z.string(),
      transactional: z.boolean(),
      oneQuery: z.boolean(),
      statements: z.number(),
      hasDown: z.boolean(),
    }),
  ),
  changes: z.array(
    z.object({
      migration: z.string(),
      statement: z.number(),
      action: z.string(),
      table: z.string(),
      column: z.string(),
      details: z.string(),
    }),
  ),
  rollback: z
    .array(
      z.object({
        migration: z.string(),
        grade: z.enum(['reversible', 'reversible-with-data-loss', 'irreversible', 'unknown']),
        down: z.enum(['project', 'derived', 'none']),
        downStatements: z.number(),
        command: z.string().optional(),
        proof: z.enum(['passed', 'failed', 'skipped']),
        pointsOfNoReturn: z.array(
          z.object({ phase: z.enum(['up', 'down']), statement: z.number(), lost: z.string(), backup: z.string() }),
        ),
        findings: z.array(z.string()),
      }),
    )
    .describe("rollback_plan's verdict per migration; its down SQL, manual steps and checks are in the Markdown"),
  checklist: z.array(z.object({ id: z.string(), title: z.string(), status, evidence: z.array(z.string()) })),
  deployment: z.array(
    z.object({
      environment: z.enum(['staging', 'production', 'follow-up']),
      title: z.string(),
      commands: z.array(z.string()),
      detail: z.string().optional(),
    }),
  ),
  impact: z.object({
    downtime: z.string(),
    lockDuration: z.string(),
    longestBlockMs: z.number(),
    affectedTables: z.array(z.string()),
  }),
  timeline: z.object({
    lockTimeoutMs: z.number(),
    totalMs: z.number(),
    basis: z.string(),
    entries: z.array(
      z.object({
        phase: z.enum(['up', 'down']),
        migration: z.string(),
        statement: z.number(),
        location: z.string(),
        sql: z.string(),
        table: z.string(),
        mode: z.string(),
        blocks: blocked,
        startMs: z.number(),
        durationMs: z.number(),
        source: z.enum(['rehearsed', 'estimated']),
        rehearsedMs: z.number().optional(),
        heldUntil: z.enum(['commit', 'end of statement']),
        exceedsLockTimeout: z.boolean(),
      }),
    ),
  }),
  rehearsals: z.array(
    z.object({
      migration: z.string(),
      outcome: z.enum(['passed', 'failed', 'skipped']),
      shadow: z.string().optional(),
      reason: z.string().optional(),
    }),
  ),
  notes: z.array(z.string()),
  markdown: z
    .object({ uri: z.string(), chars: z.number() })
    .describe('The full plan as Markdown (with the Mermaid gantt): read this resource when you need it'),
  written: z.string().optional().describe('Where the Markdown was written, when output was given'),
});

export const migrationPlanTool = defineTool({
  name: 'migration_plan',
  title: 'Plan the deployment of a migration',
  description:
    "Use last, once a migration is written and checked: the plan a reviewer reads before it reaches production. For one or more migrations of the project (ids, names or paths as list_migrations shows them; default the newest) or SQL given as text, it validates the migration, rehearses it on a throw-away database (embedded PGlite unless shadowUrl names a server) with its down — the own one or one derived from the schema — and returns: summary, risk level, the changes table (action, table, column, details), rollback (rollback_plan's answer: grade, command, points of no return with their backups, up → down → up proof; the down SQL, manual steps and verification queries in the Markdown), the safety checklist answered with evidence, deployment steps per environment (staging first, backup command with the tables, monitoring queries, follow-up migrations), estimated impact (downtime, lock durations, affected tables) and the lock timeline: per statement and phase which table is blocked for reads or writes, from when, for how long (rehearsed, or stretched to rowCounts), against lock_timeout (on MySQL/MariaDB by ALTER algorithm, on SQLite the database write lock). The result holds the data and a short text; the full Markdown with a Mermaid gantt chart of the locks is a resource (markdown.uri), or a file when output is given (inside the project, never overwriting). Code migrations (knex, TypeORM, Sequelize, Alembic, Django) are compiled to SQL only with executeProjectCode: true or the user's yes, in a sandbox. Writes nothing else: shadows it creates are dropped.",
  inputSchema: z.object({
    projectRoot: z.string().optional().describe('Project folder; defaults to the client root or working directory.'),
    migrations: z
      .array(z.string().min(1))
      .optional()
      .describe('Migration ids, names or paths to plan, in the folder list_migrations reads; default the newest.'),
    sql: z.string().optional().describe('SQL of the up migration to plan, instead of migrations.'),
    downSql: z.string().optional().describe('SQL of its down migration, with sql.'),
    path: z.string().optional().describe('The migration folder, when the project has several.'),
    engine: z.enum(['postgresql', 'mysql', 'mariadb', 'sqlite']).optional().describe("Default: the project's engine."),
    rehearse: z
      .boolean()
      .optional()
      .describe('Rehearse on a shadow (default true); false plans from the safety report and table sizes alone.'),
    shadowUrl: z
      .string()
      .optional()
      .describe('A server to create the temporary shadow database on; default PGlite / SQLite in memory.'),
    allowRemoteShadow: z
      .boolean()
      .optional()
      .describe(
        "Only with the user's consent: accept a shadow server not on this machine or with a production-like name.",
      ),
    rowCounts: z
      .record(z.string(), z.number().int().min(0))
      .optional()
      .describe('Production row counts per table ({"users": 5000000}) to stretch rehearsed lock durations to.'),
    lockTimeoutMs: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('lock_timeout the locks are compared with (default 5000).'),
    output: z
      .string()
      .optional()
      .describe('Also write the Markdown plan to this new file inside the project (never overwrites).'),
    executeProjectCode: z.boolean().optional().describe(EXECUTE_PROJECT_CODE_DESCRIPTION),
  }),
  outputSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, context) {
    // The engine loads on first use, so the server starts fast.
    const [
      { migrationPlan },
      { renderPlanMarkdown },
      { renderPlanText },
      { keepPlan, writePlanFile },
      { rollbackSummary },
    ] = await Promise.all([
      import('../src/plan/migration-plan.js'),
      import('../src/plan/migration-plan-markdown.js'),
      import('../src/plan/migration-plan-text.js'),
      import('../src/plan/migration-plan-output.js'),
      import('../src/plan/migration-plan-rollback.js'),
    ]);
    const projectRoot = await context.resolveRoot(input.projectRoot);
    const plan = await migrationPlan({
      projectRoot,
      ...(input.migrations ? { migrations: input.migrations } : {}),
      ...(input.sql !== undefined ? { sql: input.sql } : {}),
      ...(input.downSql !== undefined ? { downSql: input.downSql } : {}),
      ...(input.path ? { path: input.path } : {}),
      ...(input.engine ? { engine: input.engine } : {}),
      ...(input.rehearse !== undefined ? { rehearse: input.rehearse } : {}),
      ...(input.shadowUrl ? { shadowUrl: input.shadowUrl } : {}),
      ...(input.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
      ...(input.rowCounts ? { rowCounts: input.rowCounts } : {}),
      ...(input.lockTimeoutMs !== undefined ? { lockTimeoutMs: input.lockTimeoutMs } : {}),
      executeProjectCode: projectCodeConsent(input.executeProjectCode, context),
      signal: context.signal,
      keepWarm: true,
      onProgress: (progress, total, message) => {
        void context.progress(progress, total, message);
      },
    });
    const markdown = renderPlanMarkdown(plan);
    const uri = keepPlan(`Migration plan: ${plan.name}`, markdown);
    const written = input.output ? await writePlanFile(projectRoot, input.output, markdown) : undefined;
    // The SQL and sources are in the Markdown resource: the result stays small.
    const migrations = plan.migrations.map(({ sql: _sql, source: _source, ...file }) => file);
    return {
      structured: {
        ...plan,
        migrations,
        rollback: plan.rollback.map(rollbackSummary),
        markdown: { uri, chars: markdown.length },
        ...(written ? { written } : {}),
      },
      text: `${renderPlanText(plan)}\n\nFull plan (Markdown, Mermaid gantt): ${uri}${written ? `\nwritten to ${written}` : ''}`,
    };
  },
});
