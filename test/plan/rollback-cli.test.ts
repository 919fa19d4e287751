import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** The built CLI (npm run build), spawned as a user runs it. */
const BIN = path.resolve(import.meta.dirname, '../../dist/bundle/bin.js');
const GOLANG = path.resolve(import.meta.dirname, '../fixtures/plan-rollback-golang');
const SLOW = 240_000;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], { cwd: GOLANG, timeout: SLOW });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('db-migration-agent rollback', () => {
  it(
    'prints the plan as JSON with the exit code of its grade',
    async () => {
      const { code, stdout } = await cli(['rollback', '5', '--format', 'json']);
      expect(code).toBe(0);
      const plan = JSON.parse(stdout);
      expect(plan.grade).toBe('reversible');
      expect(plan.command.command).toBe('migrate -path migrations -database "$DATABASE_URL" down 1');
      expect(plan.proof).toMatchObject({ status: 'passed', down: 'project' });
    },
    SLOW,
  );

  it(
    'keeps --format sql: the down statements only, and exit 1 when data is lost',
    async () => {
      const { code, stdout } = await cli([
        'rollback',
        'migrations/4_drop_legacy_flag.up.sql',
        '--format',
        'sql',
        '--no-rehearse',
      ]);
      expect(code).toBe(1);
      expect(stdout).toBe('ALTER TABLE users ADD COLUMN legacy_flag boolean;\n');
    },
    SLOW,
  );

  it(
    'keeps --all: every derived down proven in one pass',
    async () => {
      const { code, stdout } = await cli(['rollback', '--all']);
      expect(stdout).toContain('5 of 5 derived downs restore the exact earlier schema.');
      expect(code).toBe(0);
    },
    SLOW,
  );

  it('refuses a migration together with --up (exit 2, with the fix)', async () => {
    const { code, stderr } = await cli(['rollback', '5', '--up', 'DROP TABLE orders']);
    expect(code).toBe(2);
    expect(stderr).toContain('rollback takes exactly one migration (or --up with its SQL).');
  });
});
