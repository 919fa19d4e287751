import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/** Where a scripts/*.sh run by `npm test`'s pretest puts a tool by default: $TMPDIR/<folder>/<file>. */
export function fetchedTool(folder: string, file: string): string {
  return path.join(process.env.TMPDIR ?? os.tmpdir(), folder, file);
}

/**
 * The first candidate that runs `args` successfully; without one, undefined and a SKIP line naming what was skipped
 * and how to get the tool, or under CI=true (when `requiredInCi`) an error.
 */
export function firstRunnable(
  candidates: (string | undefined)[],
  args: string[],
  missing: { skipped: string; message: string; requiredInCi: boolean },
): string | undefined {
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, args, { stdio: 'ignore', cwd: '/' });
      return candidate;
    } catch {}
  }
  if (missing.requiredInCi && process.env.CI === 'true') throw new Error(missing.message);
  console.warn(`SKIP ${missing.skipped}: ${missing.message}`);
  return undefined;
}
