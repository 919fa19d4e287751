import { fetchedTool, firstRunnable } from './fetched-tool.js';

/**
 * A Python that imports `modules` (e.g. "alembic.config, psycopg2"): TEST_PYTHON, else the one `npm test` fetched
 * (scripts/python-migration-tools.sh), else python3 when it can. Without one: undefined and a SKIP line saying what
 * was skipped and how to get one; under CI=true when `requiredInCi`, an error.
 */
export function toolPython(modules: string, skipped: string, requiredInCi = false): string | undefined {
  return firstRunnable(
    [process.env.TEST_PYTHON, fetchedTool('dma-python-migration-tools', 'python'), 'python3'],
    ['-c', `import ${modules}`],
    {
      skipped,
      message: `no Python importing ${modules} (TEST_PYTHON=$(bash scripts/python-migration-tools.sh))`,
      requiredInCi,
    },
  );
}
