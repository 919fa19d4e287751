import { z } from 'zod';
import { projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';
import { executeProjectCodeField, projectRootField } from './fields.js';

const inputSchema = z.object({
  projectRoot: projectRootField,
  paths: z.array(z.string()).optional(),
  base: z.string().optional().describe('Git ref'),
  environment: z.string().optional(),
  rehearse: z.boolean().optional().describe('Prove downs (slow)'),
  failOn: z.enum(['error', 'warning', 'info']).optional(),
  executeProjectCode: executeProjectCodeField,
});

const risk = z.enum(['LOW', 'MEDIUM', 'HIGH', 'NOT FULLY CHECKED']);

export const checkBeforeApplyTool = defineTool({
  name: 'check_before_apply',
  title: 'Verdict before applying',
  description:
    "Use right before applying migrations: CI's pass/fail verdict, reasons and rollback state for pending ones (since origin/HEAD or base, paths, or unapplied in environment).",
  inputSchema,
  outputSchema: z.object({
    verdict: z.enum(['pass', 'fail']),
    risk: z.enum(['LOW', 'MEDIUM', 'HIGH', 'NOT FULLY CHECKED', 'NONE']),
    reasons: z.array(z.string()),
    pending: z.string().describe('Which migrations were checked, and why those'),
    migrations: z.array(
      z.object({
        path: z.string(),
        risk,
        rollback: z.enum(['proven', 'failed', 'unproven', 'missing', 'derived', 'unknown']),
      }),
    ),
    next: z.string(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(input, context) {
    const [{ checkBeforeApply }, { renderVerdict }] = await Promise.all([
      import('../src/guard/check-before-apply.js'),
      import('../src/guard/render.js'),
    ]);
    const {
      needsConsent: _,
      failsBeyondConsent: __,
      checkedRisk: ___,
      ...verdict
    } = await checkBeforeApply({
      root: await context.resolveRoot(input.projectRoot),
      ...(input.paths ? { paths: input.paths } : {}),
      ...(input.base ? { scope: { kind: 'working-tree', base: input.base } } : {}),
      ...(input.environment ? { environment: input.environment } : {}),
      ...(input.failOn ? { failOn: input.failOn } : {}),
      ...(input.rehearse ? { rehearse: true } : {}),
      executeProjectCode: projectCodeConsent(input.executeProjectCode, context),
      signal: context.signal,
    });
    return { structured: verdict, text: renderVerdict(verdict) };
  },
});
