import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';
import { engineAvailable, freshDatabase, project, type TestDatabase } from './databases.js';

/** migration_status through the MCP protocol and `status` through the built CLI, on a real PostgreSQL. */

const REPO = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(REPO, 'dist/bundle/bin.js');

const FILES = {
  'db/migrations/20240101000000_accounts.sql':
    '-- migrate:up\nCREATE TABLE accounts (id integer PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE accounts;\n',
  'db/migrations/20240102000000_orders.sql':
    '-- migrate:up\nCREATE TABLE orders (id integer PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE orders;\n',
  'db-migration-agent.config.json': JSON.stringify({ environments: { staging: { url: 'env:DMA_TEST_STAGING_URL' } } }),
};

describe('migration_status (MCP) and status (CLI)', () => {
  let db: TestDatabase | undefined;
  let root = '';
  let available = false;
  let withPassword = '';

  beforeAll(async () => {
    available = await engineAvailable('postgresql');
    if (!available) return;
    root = project(FILES);
    db = await freshDatabase('postgresql', root);
    await db.exec('CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)');
    await db.exec('CREATE TABLE accounts (id integer PRIMARY KEY)');
    await db.exec("INSERT INTO schema_migrations VALUES ('20240101000000')");
    await db.exec('ALTER TABLE accounts ADD COLUMN note text');
    // The trust server ignores the password; it must still never appear in any output.
    const url = new URL(db.url);
    url.password = 'pa55word-never-shown';
    withPassword = url.href;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('the tool answers counts, the pending file and the drift, with the URL masked', async () => {
    if (!available) return;
    process.env.DMA_TEST_STAGING_URL = withPassword;
    const { client, close } = await connectInMemory(root);
    try {
      const tools = await client.listTools();
      const tool = tools.tools.find((candidate) => candidate.name === 'migration_status');
      expect(tool?.annotations).toMatchObject({ readOnlyHint: true });
      const result = await callTool(client, 'migration_status', { projectRoot: root, environments: ['staging'] });
      expect(result.isError).toBeFalsy();
      const [status] = (result.structuredContent as { environments: Record<string, unknown>[] }).environments;
      expect(status).toMatchObject({
        environment: 'staging',
        url: expect.stringContaining(':***@'),
        table: 'public.schema_migrations',
        counts: { applied: 1, pending: 1, unknown: 0, failed: 0, checksumMismatches: 0, outOfOrder: 0 },
        pending: ['db/migrations/20240102000000_orders.sql'],
        drift: { operations: 1, first: [{ kind: 'add-column', object: 'accounts.note', safety: 'safe' }] },
      });
      expect(JSON.stringify(result)).not.toContain('pa55word-never-shown');
      expect(textOf(result)).toContain('drift (1 change(s) made outside the migrations): add-column accounts.note');
    } finally {
      delete process.env.DMA_TEST_STAGING_URL;
      await close();
    }
  });

  it('an unknown environment is an error result naming the declared ones', async () => {
    if (!available) return;
    const { client, close } = await connectInMemory(root);
    try {
      const result = await callTool(client, 'migration_status', { projectRoot: root, environments: ['prod'] });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('No environment "prod" in the configuration (declared: staging).');
    } finally {
      await close();
    }
  });

  it.skipIf(!existsSync(BIN))('the built CLI prints the status, exits 1 on drift and 0 with --no-drift', () => {
    if (!available) return;
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, 'status', ...args], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DMA_TEST_STAGING_URL: withPassword },
      });
    const drifted = run('--env', 'staging');
    expect(drifted.stderr).toBe('');
    expect(drifted.status).toBe(1);
    const maskedUrl = withPassword.replace('pa55word-never-shown', '***');
    expect(drifted.stdout).toBe(
      [
        '2 dbmate migration(s) in db/migrations',
        `staging (${maskedUrl}): 1 applied, 1 pending, 0 unknown`,
        '  pending: db/migrations/20240102000000_orders.sql',
        '  drift (1 change(s) made outside the migrations): add-column accounts.note',
        '',
      ].join('\n'),
    );
    const quick = run('--url', 'env:DMA_TEST_STAGING_URL', '--no-drift', '--json');
    expect(quick.status).toBe(0);
    expect(JSON.parse(quick.stdout).environments[0]).toMatchObject({ environment: 'url', counts: { applied: 1 } });
    expect(quick.stdout).not.toContain('pa55word-never-shown');
    const unset = spawnSync(process.execPath, [BIN, 'status', '--url', 'env:DMA_SURELY_UNSET'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(unset.status).toBe(1);
    expect(unset.stdout).toContain(
      'The environment variable DMA_SURELY_UNSET is not set (named by env:DMA_SURELY_UNSET).',
    );
  });
});
