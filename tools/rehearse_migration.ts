import { z } from 'zod';
import { projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';
import {
  allowRemoteShadowField,
  engineField,
  executeProjectCodeField,
  projectRootField,
  rowCountsField,
  shadowUrlField,
} from './fields.js';

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
  title: 'Rehearse a migration',
  description:
    'Use before applying a migration: runs it on a throw-away database after the earlier ones, with synthetic rows: locks, time, errors; up→down→up.',
  inputSchema: z.object({
    projectRoot: projectRootField,
    migration: z.string().min(1).describe("Path or SQL; '.': newest"),
    down: z.string().optional().describe('Path or SQL'),
    engine: engineField,
    shadowUrl: shadowUrlField,
    allowRemoteShadow: allowRemoteShadowField,
    rowsPerTable: z.number().int().min(0).max(1_000_000).optional(),
    rowCounts: rowCountsField,
    baseline: z
      .string()
      .regex(/^(migrations|none|target|dump:.+)$/)
      .optional()
      .describe('migrations|dump:<file>|target|none'),
    targetUrl: z.string().optional().describe('Real db, read-only'),
    lockTimeoutMs: z.number().int().min(1).optional(),
    timeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
    executeProjectCode: executeProjectCodeField,
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
