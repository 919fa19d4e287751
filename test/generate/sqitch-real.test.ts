import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/generate/changes.js';
import { generateMigration } from '../../src/generate/generate.js';
import type { Migration } from '../../src/model.js';
import { compareSchemas, renderSchemaChanges } from '../../src/schema/compare.js';
import type { Schema } from '../../src/schema/model.js';
import { PostgresShadow } from '../../src/shadow/postgres.js';
import { readMigrations } from '../../src/sources/index.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { toolSqitch } from '../helpers/sqitch.js';
import { applyMigration, fixtureCopy, removeTemporaryProjects } from './sql-writers-helpers.js';

/**
 * Sqitch itself (Debian's sqitch 1.3, fetched by scripts/sqitch.sh) as the oracle for our Sqitch reader and writer:
 * the fixture's plan (with a tag and a reworked change) deployed by Sqitch gives the schema our reader's SQL gives;
 * the changes generate_migration adds to sqitch.plan are deployed by `sqitch deploy`, reverted by `sqitch revert`,
 * and deployed again, each time to the expected schema.
 */

const run = promisify(execFile);
const postgres = await postgresAvailable();
const sqitch = postgres.available ? toolSqitch('real Sqitch') : undefined;
if (!postgres.available) console.warn(`SKIP real Sqitch: ${postgres.reason}`);

afterAll(removeTemporaryProjects);

async function sqitchRun(root: string, ...args: string[]): Promise<string> {
  const { stdout, stderr } = await run(sqitch!, args, {
    cwd: root,
    timeout: 120_000,
    env: { ...process.env, SQITCH_FULLNAME: 'Test Runner', SQITCH_EMAIL: 'test@example.com' },
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`sqitch ${args.join(' ')} failed: ${error.stderr || error.stdout || error.message}`);
  });
  return `${stdout}${stderr}`;
}

function target(database: string): string {
  const url = new URL(POSTGRES_URL);
  return `db:pg://${url.username || 'postgres'}@${url.hostname}:${url.port || '5432'}/${database}`;
}

/** The schema without Sqitch's registry (schema "sqitch"). */
async function schemaOf(db: PostgresShadow): Promise<Schema> {
  const schema = await db.introspect();
  const outside = (item: unknown) => {
    const { namespace, name, table } = item as { namespace?: string; name?: string; table?: string };
    return namespace !== 'sqitch' && !`${name ?? ''}`.startsWith('sqitch.') && !`${table ?? ''}`.startsWith('sqitch.');
  };
  const filtered = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, Array.isArray(value) ? value.filter(outside) : value]),
  ) as unknown as Schema;
  return { ...filtered, namespaces: (schema.namespaces ?? []).filter((name) => name !== 'sqitch') };
}

const PARENT: Change[] = [
  {
    op: 'create_table',
    table: 'invoices',
    columns: [
      { name: 'id', type: 'bigint', primaryKey: true, generated: 'identity' },
      { name: 'note', type: 'text' },
    ],
  },
];
const LATER: Change[] = [
  { op: 'add_index', table: 'invoices', columns: ['note'], name: 'invoices_note_idx' },
  { op: 'alter_column', table: 'invoices', column: 'note', nullable: false, default: `''` },
];

describe('Sqitch 1.3 as the oracle', () => {
  it.skipIf(!sqitch)(
    'deploys the project and our generated changes, reverts them and deploys them again',
    { timeout: 600_000 },
    async () => {
      const root = await fixtureCopy('sources-sqitch');
      const before = await readMigrations(root, { engine: 'postgresql' });
      expect(before.errors).toEqual([]);
      const ours = await PostgresShadow.open({ url: POSTGRES_URL });
      const real = await PostgresShadow.open({ url: POSTGRES_URL });
      const apply = async (migrations: Migration[]) => {
        for (const migration of migrations) await applyMigration(ours, migration, 'up');
      };
      try {
        await apply(before.migrations);
        await sqitchRun(root, 'deploy', target(real.database));
        const baseline = await schemaOf(real);
        expect(renderSchemaChanges(compareSchemas(await schemaOf(ours), baseline))).toBe('no difference');

        const common = { root, engine: 'postgresql' as const, shadowUrl: POSTGRES_URL, rowsPerTable: 5 };
        const now = new Date(Date.UTC(2026, 11, 6, 12, 0, 0));
        const first = await generateMigration({ ...common, changes: PARENT, now });
        expect(first.written, first.notWrittenBecause).toBe(true);
        const second = await generateMigration({ ...common, changes: LATER, now: new Date(now.getTime() + 60_000) });
        expect(second.written, second.notWrittenBecause).toBe(true);
        expect(second.drafts.some((draft) => !draft.transactional)).toBe(true);

        const after = await readMigrations(root, { engine: 'postgresql' });
        expect(after.errors).toEqual([]);
        const added = after.migrations.slice(before.migrations.length);
        expect(added.length).toBe(first.drafts.length + second.drafts.length);
        await apply(added);
        const intended = await schemaOf(ours);

        await sqitchRun(root, 'deploy', target(real.database));
        expect(renderSchemaChanges(compareSchemas(intended, await schemaOf(real)))).toBe('no difference');
        await sqitchRun(root, 'revert', '-y', '--to', `@HEAD^${added.length}`, target(real.database));
        expect(renderSchemaChanges(compareSchemas(baseline, await schemaOf(real)))).toBe('no difference');
        await sqitchRun(root, 'deploy', target(real.database));
        expect(renderSchemaChanges(compareSchemas(intended, await schemaOf(real)))).toBe('no difference');
      } finally {
        await Promise.all([ours.close(), real.close()]);
      }
    },
  );
});
