import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleProject } from '../../src/cli/demo.js';
import { runCli } from '../helpers/cli.js';

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCli(args, { cwd: process.cwd() });
}

// The whole workflow on PGlite takes a while on a loaded 2-core machine: each example runs once, shared below.
const DEMO_TIMEOUT = 600_000;

describe('db-migration-agent demo shop (knex + PostgreSQL)', () => {
  let result: { code: number; out: string; err: string };
  beforeAll(async () => {
    result = await run(['demo', 'shop']);
  }, DEMO_TIMEOUT);

  it('detects the bundled knex + PostgreSQL shop and its four migrations', () => {
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/━━ 1\.1 detect_setup/);
    expect(result.out).toContain('- ORM / migration tool: knex ^3.1.0');
    expect(result.out).toContain("- Engine: postgresql 16.3 (from knexfile.js: client: 'pg'");
    expect(result.out).toContain('- Migrations: db/migrations/ (knex, 4, latest 20240305150000_add_order_status)');
  });

  it('catches the risky hand-written draft in validation and rehearsal, at its source line', () => {
    const { out } = result;
    expect(out).toMatch(
      /db\/migrations\/20240305150000_add_order_status\.js:5:\d+: error\[add-column-not-null-without-default\]/,
    );
    expect(out).toMatch(
      /db\/migrations\/20240305150000_add_order_status\.js:8:\d+: error\[require-concurrent-index-creation\]/,
    );
    expect(out).toContain('Risk: HIGH');
    expect(out).toContain('Rehearsal FAILED — db/migrations/20240305150000_add_order_status.js on PGlite');
    expect(out).toMatch(/column "status" of relation "orders" contains null values/);
  });

  it('generates the change as phased knex migrations, each rehearsed before it is written', () => {
    const { out } = result;
    expect(out).toMatch(/3 migration\(s\) for knex in db\/migrations \(postgresql\), written; risk LOW/);
    expect(out).toMatch(/rehearsal passed, validation LOW, outside a transaction/);
    expect(out).toContain('export const config = { transaction: false };');
    expect(out).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_created_at_idx');
    expect(out).toContain('NOT VALID');
    expect(out).toContain('VALIDATE CONSTRAINT orders_status_check');
    expect(out).toMatch(/CREATE INDEX IF NOT EXISTS shipments_order_id_idx ON shipments \(order_id\)/);
  });

  it('plans the rollback, seeds the new table and prints the plan with its lock timeline', () => {
    const { out } = result;
    expect(out).toMatch(/Rollback plan for db\/migrations\/\d{14}_add_shipments_table_and_add_status_to_orders\.js/);
    expect(out).toMatch(/Proof: up → down → up passed on PGlite/);
    expect(out).toContain('npx knex migrate:down --name');
    expect(out).toMatch(/rows proven on PGlite/);
    expect(out).toContain('--- db/seeds/seed_shipments.js');
    expect(out).toContain('## Migration Plan:');
    expect(out).toContain('```mermaid');
    expect(out).toContain('gantt');
    // Every path the demo prints is relative to the project: no temporary folder leaks into any step's output.
    expect(out).toContain('# Database setup of examples/shop\n');
    expect(out).not.toMatch(/dma-demo-/);
    expect(out).not.toContain(os.tmpdir());
  });
});

describe('db-migration-agent demo blog (Prisma + PostgreSQL)', () => {
  it(
    'diffs schema.prisma against the migrations and generates the Prisma migration',
    async () => {
      const { code, out, err } = await run(['demo', 'blog']);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toContain('diff_schema');
      expect(out).toMatch(/create-table Comment: new table/);
      expect(out).toMatch(/1 migration\(s\) for prisma in prisma\/migrations \(postgresql\), written/);
      expect(out).toMatch(/prisma\/migrations\/\d{14}_\w+\/migration\.sql/);
      expect(out).toContain('-- CreateTable');
      expect(out).toContain('prisma/seed.ts');
      expect(out).toContain('## Migration Plan:');
      // A table is named once, as the migration writes it, not again schema-qualified as the shadow locks it.
      const affected = /\*\*Affected tables\*\*: (.+)/.exec(out)?.[1]?.split(', ') ?? [];
      expect(affected).toContain('Comment');
      expect(affected).not.toContain('public.Comment');
    },
    DEMO_TIMEOUT,
  );
});

describe('db-migration-agent demo arguments', () => {
  it('refuses an unknown example', async () => {
    const { code, err } = await run(['demo', 'x']);
    expect(code).toBe(2);
    expect(err).toContain("demo has no example 'x'.");
  });

  it('finds the bundled examples from the built binary', () => {
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
    expect(existsSync(`${exampleProject('shop')}/package.json`)).toBe(true);
    expect(existsSync(`${exampleProject('blog')}/prisma/schema.prisma`)).toBe(true);
    const help = execFileSync(process.execPath, [bin, 'demo', '--help'], { encoding: 'utf8' });
    expect(help).toContain('shop  knex + PostgreSQL');
  });
});
