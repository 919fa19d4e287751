import { z } from 'zod';
import { projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';
import {
  allowRemoteShadowField,
  engineField,
  executeProjectCodeField,
  migrationFolderField,
  projectRootField,
  shadowUrlField,
} from './fields.js';

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
  title: 'Plan a rollback',
  description:
    'Use to know how to undo a migration: its down (own or derived), grade (reversible/data loss/irreversible), command, manual steps, points of no return; proven.',
  inputSchema: z.object({
    projectRoot: projectRootField,
    migration: z.string().min(1).optional().describe("Id, name, path; '.': newest"),
    sql: z.string().min(1).optional().describe('Or: up SQL or .sql file'),
    down: z.string().optional().describe('SQL or file to check'),
    engine: engineField,
    path: migrationFolderField,
    shadowUrl: shadowUrlField,
    allowRemoteShadow: allowRemoteShadowField,
    rowsPerTable: z.number().int().min(0).max(100_000).optional(),
    rehearse: z.boolean().optional().describe('false: no proof'),
    executeProjectCode: executeProjectCodeField,
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
      onProgress: (progress, total, message) => void context.progress(progress, total, message),
      keepWarm: true,
    });
    return { structured: plan, text: renderRollbackPlan(plan) };
  },
});
