import { z } from 'zod';
import { EXECUTE_PROJECT_CODE_DESCRIPTION, projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';

const counts = z.object({
  applied: z.number().int(),
  pending: z.number().int(),
  unknown: z.number().int(),
  failed: z.number().int(),
  checksumMismatches: z.number().int(),
  outOfOrder: z.number().int(),
});
const safety = z.enum(['safe', 'careful', 'dangerous']);

export const migrationStatusTool = defineTool({
  name: 'migration_status',
  title: 'Applied, pending and drifted migrations per environment',
  description:
    'Use before promoting or running migrations in an environment: per environment (db-migration-agent.config.json ' +
    '"environments": {"dev": {"url": "env:DATABASE_URL"}}, or a url you pass), the migrations applied, pending and ' +
    "unknown, read from the migration tool's own table (knex_migrations, _prisma_migrations, flyway_schema_history, " +
    'schema_migrations…); failed/dirty ones, applied ones edited since (checksums), out-of-order ones, and drift: ' +
    'changes made to the real schema outside the migrations (real schema vs the applied migrations replayed on a ' +
    'shadow). Connections are read-only at the server and time-limited; URLs come from environment variables and ' +
    'are masked. Returns counts plus the first entries of each kind.',
  inputSchema: z.object({
    projectRoot: z.string().optional().describe('Project folder; defaults to the client root or working directory'),
    environments: z
      .array(z.string())
      .optional()
      .describe('Environment names from the configuration; default every declared one'),
    url: z
      .string()
      .optional()
      .describe('A database named directly: env:VARIABLE (preferred) or a URL; reported as environment "url"'),
    path: z.string().optional().describe('Migration folder when the project has several'),
    drift: z.boolean().optional().describe('Compare the real schema with the applied migrations (default true)'),
    shadowUrl: z
      .string()
      .optional()
      .describe(
        'Server for the shadow database (MySQL drift needs one); default $SHADOW_DATABASE_URL of the same engine',
      ),
    executeProjectCode: z.boolean().optional().describe(EXECUTE_PROJECT_CODE_DESCRIPTION),
    limit: z.number().int().positive().max(1_000).optional().describe('Entries listed per kind (default 10)'),
  }),
  outputSchema: z.object({
    tool: z.string(),
    directory: z.string(),
    migrations: z.number().int(),
    environments: z.array(
      z.object({
        environment: z.string(),
        url: z.string().describe('Password masked'),
        engine: z.string().optional(),
        table: z.string().nullable().optional().describe('Bookkeeping table found; null when the tool never ran'),
        counts,
        pending: z.array(z.string()),
        unknown: z.array(z.string()).describe('Recorded in the database, missing from the project'),
        failed: z.array(z.string()).describe('Failed or dirty'),
        checksumMismatches: z.array(z.string()).describe('Applied, then edited'),
        outOfOrder: z.array(z.string()).describe('Pending but older than an applied migration'),
        drift: z
          .object({
            operations: z.number().int(),
            summary: z.object({ safe: z.number().int(), careful: z.number().int(), dangerous: z.number().int() }),
            first: z.array(z.object({ kind: z.string(), object: z.string(), safety })),
          })
          .optional(),
        notes: z.array(z.string()),
        error: z.object({ code: z.string(), what: z.string(), fix: z.string() }).optional(),
      }),
    ),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(input, context) {
    const [{ migrationStatus }, { renderStatus }] = await Promise.all([
      import('../src/environments/status.js'),
      import('../src/environments/render.js'),
    ]);
    const result = await migrationStatus({
      root: await context.resolveRoot(input.projectRoot),
      ...(input.environments ? { environments: input.environments } : {}),
      ...(input.url ? { url: input.url } : {}),
      ...(input.path ? { path: input.path } : {}),
      ...(input.drift !== undefined ? { drift: input.drift } : {}),
      ...(input.shadowUrl ? { shadowUrl: input.shadowUrl } : {}),
      ...(input.limit ? { limit: input.limit } : {}),
      executeProjectCode: projectCodeConsent(input.executeProjectCode, context),
      signal: context.signal,
    });
    return { structured: result, text: renderStatus(result) };
  },
});
