import { z } from 'zod';
import { EXECUTE_PROJECT_CODE_DESCRIPTION, projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';

const phase = z.enum(['up', 'down']);

const outputSchema = z.object({
  migration: z.object({ id: z.string(), name: z.string(), path: z.string(), format: z.string() }),
  engine: z.string(),
  grade: z.enum(['reversible', 'reversible-with-data-loss', 'irreversible']),
  evidence: z.array(z.object({ phase, statement: z.number().optional(), sql: z.string().optional(), why: z.string() })),
  lost: z.array(z.object({ object: z.string(), what: z.string(), by: phase })),
  down: z.object({
    source: z.enum(['project', 'derived']),
    file: z.string().optional(),
    statements: z.array(z.string()),
    validation: z
      .object({
        risk: z.string(),
        findings: z.array(
          z.object({ statement: z.number(), rule: z.string(), severity: z.string(), message: z.string() }),
        ),
      })
      .optional(),
    matchesEarlierSchema: z.boolean().optional(),
    derived: z.array(z.string()).optional(),
  }),
  command: z.object({
    command: z.string().optional(),
    source: z.string(),
    runsDown: z.boolean(),
    notes: z.array(z.string()),
  }),
  manual: z.object({
    steps: z.array(z.string()),
    verify: z.array(z.object({ check: z.string(), sql: z.string() })),
  }),
  pointsOfNoReturn: z.array(
    z.object({
      phase,
      statement: z.number(),
      sql: z.string(),
      lost: z.string(),
      tables: z.array(z.string()),
      backup: z.string(),
    }),
  ),
  proof: z.object({
    status: z.enum(['passed', 'failed', 'skipped']),
    shadow: z.string().optional(),
    down: z.enum(['project', 'derived']).optional(),
    failedAt: z
      .object({ phase: z.string(), statement: z.number(), message: z.string(), location: z.string() })
      .optional(),
    schemaDifference: z.array(z.string()).optional(),
    reason: z.string().optional(),
    rowsPerTable: z.number().optional(),
  }),
  findings: z.array(z.string()),
  caveats: z.array(z.string()),
  notes: z.array(z.string()),
});

export const rollbackPlanTool = defineTool({
  name: 'rollback_plan',
  title: 'Plan the rollback of a migration',
  description:
    "Use before applying a migration, to know how to undo it. For one migration of the project (id, name or path as list_migrations shows) or raw SQL: the down to use — the project's own, checked by validate_safety and rehearsed, or one derived from the schemas before and after the up when it has none (a hand-written down that does not give back the earlier schema is reported, with the derived one instead); the grade (reversible / reversible-with-data-loss naming the tables, columns and values lost / irreversible) with the statements behind it; the project tool's rollback command (its package.json script when it has one; for Prisma and Drizzle, which keep no downs, the down SQL plus the step that marks the migration rolled back — never a database reset); manual steps with verification queries (row counts, restored values, constraints, orphans, index validity); the point of no return with the backup command to run before it; and the proof: up → down → up rehearsed on a throw-away shadow (PGlite, in-memory SQLite, or a server named as shadow) with synthetic rows. Writes nothing to the project and touches no real database.",
  inputSchema: z.object({
    projectRoot: z.string().optional().describe('Project folder; defaults to the client root or working directory.'),
    migration: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Migration id, name or path (relative to the project root) as list_migrations shows; '.' for the newest.",
      ),
    sql: z
      .string()
      .min(1)
      .optional()
      .describe('The SQL of an up migration (or a .sql file holding it), instead of migration.'),
    down: z
      .string()
      .optional()
      .describe("Down SQL (or a file) to check instead of the migration's own; for raw sql, its hand-written down."),
    engine: z
      .enum(['postgresql', 'mysql', 'mariadb', 'sqlite'])
      .optional()
      .describe("Default: the project's engine, else postgresql."),
    path: z.string().optional().describe('The migration folder, when the project has several.'),
    shadowUrl: z
      .string()
      .optional()
      .describe('A server to create the temporary shadow on (required for MySQL/MariaDB). Default: PGlite / SQLite.'),
    allowRemoteShadow: z
      .boolean()
      .optional()
      .describe("Only with the user's explicit consent: accept a shadow server that is not on this machine."),
    rowsPerTable: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .optional()
      .describe('Synthetic rows per table for the proof (default 100).'),
    rehearse: z.boolean().optional().describe('false skips the proof on a shadow (default true).'),
    executeProjectCode: z
      .boolean()
      .optional()
      .describe(`${EXECUTE_PROJECT_CODE_DESCRIPTION} Needed for knex/TypeORM/Sequelize/Alembic/Django migrations.`),
  }),
  outputSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, context) {
    const [{ rollbackPlan }, { renderRollbackPlan }] = await Promise.all([
      import('../src/plan/rollback.js'),
      import('../src/plan/rollback-render.js'),
    ]);
    const projectRoot = await context.resolveRoot(input.projectRoot);
    const plan = await rollbackPlan({
      projectRoot,
      ...(input.migration !== undefined ? { migration: input.migration } : {}),
      ...(input.sql !== undefined ? { sql: input.sql } : {}),
      ...(input.down !== undefined ? { down: input.down } : {}),
      ...(input.engine ? { engine: input.engine } : {}),
      ...(input.path ? { path: input.path } : {}),
      ...(input.shadowUrl ? { shadowUrl: input.shadowUrl } : {}),
      ...(input.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
      ...(input.rowsPerTable !== undefined ? { rowsPerTable: input.rowsPerTable } : {}),
      ...(input.rehearse !== undefined ? { rehearse: input.rehearse } : {}),
      executeProjectCode: projectCodeConsent(input.executeProjectCode, context),
      signal: context.signal,
      keepWarm: true,
    });
    return { structured: plan, text: renderRollbackPlan(plan) };
  },
});
