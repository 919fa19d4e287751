import { fetchedTool, firstRunnable } from './fetched-tool.js';

/**
 * A Sqitch that runs: TEST_SQITCH, else the one `npm test` fetched (scripts/sqitch.sh), else `sqitch` on PATH.
 * Without one: undefined and a SKIP line saying how to get one; under CI=true, an error.
 */
export function toolSqitch(skipped: string): string | undefined {
  return firstRunnable([process.env.TEST_SQITCH, fetchedTool('dma-sqitch', 'sqitch'), 'sqitch'], ['--version'], {
    skipped,
    message: 'no Sqitch (TEST_SQITCH=$(bash scripts/sqitch.sh))',
    requiredInCi: true,
  });
}
