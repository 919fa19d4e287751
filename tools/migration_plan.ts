import { z } from 'zod';
import { projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';
import {
  allowRemoteShadowField,
  engineField,
  executeProjectCodeField,
  migrationFolderField,
  projectRootField,
  rowCountsField,
  shadowUrlField,
} from './fields.js';

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
  environment: z
    .object({
      environment: z.string(),
      url: z.string(),
      applied: z.number().int(),
      pending: z.array(z.string()),
      rowCountsRead: z.number().int(),
      phase: z
        .object({ next: z.number().int(), of: z.number().int(), label: z.string(), migration: z.string() })
        .optional(),
    })
    .optional(),
  notes: z.array(z.string()),
  markdown: z
    .object({ uri: z.string(), chars: z.number() })
    .describe('The full plan as Markdown (with the Mermaid gantt): read this resource when you need it'),
  written: z.string().optional().describe('Where the Markdown was written, when output was given'),
});

export const migrationPlanTool = defineTool({
  name: 'migration_plan',
  title: 'Plan a deployment',
  description:
    'Use last: the plan a reviewer reads (risk, changes, rollback, checklist, deployment, lock timeline), from validation and a rehearsal. Markdown: markdown.uri.',
  inputSchema: z.object({
    projectRoot: projectRootField,
    migrations: z.array(z.string().min(1)).optional().describe('Ids, names, paths (default: newest)'),
    sql: z.string().optional().describe('Or: up SQL'),
    downSql: z.string().optional(),
    path: migrationFolderField,
    engine: engineField,
    rehearse: z.boolean().optional().describe('false: from validation only'),
    shadowUrl: shadowUrlField,
    allowRemoteShadow: allowRemoteShadowField,
    rowCounts: rowCountsField,
    environment: z.string().optional().describe('Plan what it has pending'),
    lockTimeoutMs: z.number().int().min(1).optional(),
    output: z.string().optional().describe('Markdown file to write'),
    executeProjectCode: executeProjectCodeField,
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
      ...(input.environment ? { environment: input.environment } : {}),
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
