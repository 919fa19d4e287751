import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exampleProject } from '../../src/cli/demo.js';
import { runCli } from '../helpers/cli.js';

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCli(args, { cwd: process.cwd() });
}

describe('db-migration-agent demo', () => {
  it('detects the bundled knex + PostgreSQL shop and its four migrations', async () => {
    const { code, out } = await run(['demo']);
    expect(code).toBe(0);
    expect(out).toContain(`db-migration-agent demo on ${exampleProject()}`);
    expect(out).toMatch(/━━ 1\/\d+ detect_setup/);
    expect(out).toContain('- ORM / migration tool: knex ^3.1.0');
    expect(out).toContain("- Engine: postgresql 16.3 (from knexfile.js: client: 'pg'");
    expect(out).toContain('- Migrations: db/migrations/ (knex, 4, latest 20240305150000_add_order_status)');
    expect(out).toContain('20240305150000_add_order_status');
  });

  it('compiles the knex migrations and catches the risky one in rehearsal, at its source line', async () => {
    const { code, out } = await run(['demo']);
    expect(code).toBe(0);
    expect(out).toContain('4. db/migrations/20240305150000_add_order_status.js  [2 stmt, transactional, down: 2 stmt]');
    expect(out).toContain('L5: alter table "orders" add column "status" varchar(20) not null');
    expect(out).toMatch(
      /db\/migrations\/20240305150000_add_order_status\.js:5:\d+: error\[add-column-not-null-without-default\]/,
    );
    expect(out).toMatch(
      /db\/migrations\/20240305150000_add_order_status\.js:8:\d+: error\[require-concurrent-index-creation\]/,
    );
    expect(out).toContain('Risk: HIGH');
    expect(out).toContain('Rollback present: pass');
    expect(out).toContain('Rehearsal FAILED — db/migrations/20240305150000_add_order_status.js on PGlite');
    expect(out).toMatch(
      /db\/migrations\/20240305150000_add_order_status\.js:5:\d+: column "status" of relation "orders" contains null values/,
    );
  });

  it('refuses arguments', async () => {
    const { code, err } = await run(['demo', 'x']);
    expect(code).toBe(2);
    expect(err).toContain("demo takes no arguments, got 'x'.");
  });

  it('runs from the built binary', () => {
    const bin = fileURLToPath(new URL('../../dist/bundle/bin.js', import.meta.url));
    if (!existsSync(bin)) {
      try {
        execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], {
          cwd: fileURLToPath(new URL('../../', import.meta.url)),
          stdio: 'ignore',
        });
      } catch {
        // tsc exits non-zero on type errors elsewhere but still emits
      }
    }
    const out = execFileSync(process.execPath, [bin, 'demo'], { encoding: 'utf8' });
    expect(out).toContain('- Migrations: db/migrations/ (knex, 4, latest 20240305150000_add_order_status)');
  }, 120_000);
});
