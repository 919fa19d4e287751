import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES } from './helpers.js';

function run(args: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  return runCli(args, { cwd });
}

describe('db-migration-agent detect', () => {
  it('prints a readable summary for the current folder', async () => {
    const { code, out } = await run(['detect'], path.join(FIXTURES, 'detect-dbmate'));
    expect(code).toBe(0);
    // The folder's name, never the absolute path of the checkout.
    expect(out).toContain('# Database setup of detect-dbmate\n');
    expect(out).not.toContain(FIXTURES);
    expect(out).toContain('- Migrations: db/migrations/ (dbmate, 2, latest 20240602100000)');
    expect(out).toContain('  rollback: `dbmate --migrations-dir db/migrations rollback`');
  });

  it('prints JSON with --json', async () => {
    const { code, out } = await run(['detect', 'detect-monorepo', '--json'], FIXTURES);
    expect(code).toBe(0);
    const result = JSON.parse(out) as { root: string; packages: { path: string }[] };
    expect(result.root).toBe('detect-monorepo');
    expect(out).not.toContain(FIXTURES);
    expect(result.packages.map((setup) => setup.path)).toEqual(['packages/api', 'packages/worker']);
  });

  it('shows help', async () => {
    const { code, out } = await run(['detect', '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: db-migration-agent detect \[path\] \[--json\]/);
  });

  it('exits 2 with what/where/fix on bad input', async () => {
    const missing = await run(['detect', '/nonexistent/dma']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(
      'db-migration-agent detect: /nonexistent/dma: Project root /nonexistent/dma does not exist.',
    );
    expect(missing.err).toContain('fix:');
    const option = await run(['detect', '--frob']);
    expect(option.code).toBe(2);
    expect(option.err).toContain("Unknown option '--frob' for detect.");
    const maxFiles = await run(['detect', '--max-files', 'lots']);
    expect(maxFiles.err).toContain("--max-files needs a positive whole number, got 'lots'.");
  });
});
