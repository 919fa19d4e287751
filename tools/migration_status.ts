import { z } from 'zod';
import { projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';
import { executeProjectCodeField, migrationFolderField, projectRootField, shadowUrlField } from './fields.js';

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
  title: 'Migration status',
  description:
    'Use before migrating an environment (config or url), read-only: applied, pending, unknown, failed, edited, out-of-order migrations; schema drift.',
  inputSchema: z.object({
    projectRoot: projectRootField,
    environments: z.array(z.string()).optional(),
    url: z.string().optional().describe('Or: env:VAR or URL'),
    path: migrationFolderField,
    drift: z.boolean().optional(),
    shadowUrl: shadowUrlField,
    executeProjectCode: executeProjectCodeField,
    limit: z.number().int().positive().max(1_000).optional(),
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
