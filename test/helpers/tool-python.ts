import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/** Where scripts/python-migration-tools.sh (run by `npm test`'s pretest) puts its Python by default. */
const FETCHED_PYTHON = path.join(process.env.TMPDIR ?? os.tmpdir(), 'dma-python-migration-tools', 'python');

/**
 * A Python that imports `modules` (e.g. "alembic.config, psycopg2"): TEST_PYTHON, else the one `npm test` fetched,
 * else python3 when it can.
 * Without one: undefined and a SKIP line saying what was skipped and how to get one
 * (TEST_PYTHON=$(bash scripts/python-migration-tools.sh)); under CI=true when `requiredInCi`, an error.
 */
export function toolPython(modules: string, skipped: string, requiredInCi = false): string | undefined {
  for (const candidate of [process.env.TEST_PYTHON, FETCHED_PYTHON, 'python3']) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['-c', `import ${modules}`], { stdio: 'ignore', cwd: '/' });
      return candidate;
    } catch {}
  }
  const message = `no Python importing ${modules} (TEST_PYTHON=$(bash scripts/python-migration-tools.sh))`;
  if (requiredInCi && process.env.CI === 'true') throw new Error(message);
  console.warn(`SKIP ${skipped}: ${message}`);
  return undefined;
}
