import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/** Where scripts/sqitch.sh (run by `npm test`'s pretest) puts its launcher by default. */
const FETCHED_SQITCH = path.join(process.env.TMPDIR ?? os.tmpdir(), 'dma-sqitch', 'sqitch');

/**
 * A Sqitch that runs: TEST_SQITCH, else the one `npm test` fetched, else `sqitch` on PATH. Without one: undefined
 * and a SKIP line saying how to get one (TEST_SQITCH=$(bash scripts/sqitch.sh)); under CI=true, an error.
 */
export function toolSqitch(skipped: string): string | undefined {
  for (const candidate of [process.env.TEST_SQITCH, FETCHED_SQITCH, 'sqitch']) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore', cwd: '/' });
      return candidate;
    } catch {}
  }
  const message = 'no Sqitch (TEST_SQITCH=$(bash scripts/sqitch.sh))';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`SKIP ${skipped}: ${message}`);
  return undefined;
}
