import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { relativeToRoot, resolveInsideRoot } from '../root.js';

/**
 * Where a full plan goes when it is too long for a tool result: kept in memory as an MCP resource
 * (`db-migration-agent://plans/<id>`) for the client to read when it wants, or written to a file inside the
 * project — only on request, and never over an existing file.
 */

export const PLAN_URI_PREFIX = 'db-migration-agent://plans/';

/** Plans kept for reading, newest last; the oldest go first once there are more. */
const KEPT_PLANS = 20;
const plans = new Map<string, { title: string; markdown: string }>();

/** Keeps the plan's Markdown and returns its resource URI (the same plan gives the same URI). */
export function keepPlan(title: string, markdown: string): string {
  const id = createHash('sha256').update(markdown).digest('hex').slice(0, 16);
  plans.delete(id);
  plans.set(id, { title, markdown });
  while (plans.size > KEPT_PLANS) plans.delete(plans.keys().next().value as string);
  return `${PLAN_URI_PREFIX}${id}`;
}

export function keptPlan(id: string): { title: string; markdown: string } | undefined {
  return plans.get(id);
}

export function keptPlans(): { uri: string; title: string }[] {
  return [...plans.entries()].map(([id, plan]) => ({ uri: `${PLAN_URI_PREFIX}${id}`, title: plan.title }));
}

/** Writes the Markdown to `output` inside the project; refuses to overwrite. Returns the root-relative path. */
export async function writePlanFile(root: string, output: string, markdown: string): Promise<string> {
  const absolute = resolveInsideRoot(root, output);
  await mkdir(path.dirname(absolute), { recursive: true });
  try {
    await writeFile(absolute, markdown, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UserError(
        'output-exists',
        `${output} already exists; the plan is never written over a file.`,
        'Pass a new file name for output, or delete the old plan first.',
        { file: output },
      );
    throw error;
  }
  return relativeToRoot(root, absolute);
}
