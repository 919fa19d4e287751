import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { type CallToolResult, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMigration } from '../../src/generate/generate.js';
import { createServer } from '../../src/server.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';
import { makeProject, removeProject } from './helpers.js';

/**
 * generate_migration through the real MCP protocol (in memory) and the built CLI, on SQLite projects (their
 * shadow is in memory, so the proof is quick): what is written, what is withheld, what is never overwritten.
 */

const BIN = path.resolve(import.meta.dirname, '../../dist/bundle/bin.js');
const run = promisify(execFile);
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

const INIT = 'CREATE TABLE orders (\n  id integer PRIMARY KEY,\n  note text\n);\n';

function project(): string {
  return makeProject({
    'migrations/0001_create_orders.sql': INIT,
    'migrations/down/0001_create_orders.sql': 'DROP TABLE orders;\n',
  });
}

const files = (root: string) =>
  [
    ...readdirSync(path.join(root, 'migrations')).filter((name) => name.endsWith('.sql')),
    ...readdirSync(path.join(root, 'migrations/down')).map((name) => `down/${name}`),
  ].sort();

describe('generate_migration over MCP', { timeout: 120_000 }, () => {
  let connection: Awaited<ReturnType<typeof connectInMemory>>;
  const roots: string[] = [];
  beforeAll(async () => {
    connection = await connectInMemory();
  });
  afterAll(async () => {
    await connection.close();
    for (const root of roots) removeProject(root);
  });

  it('is listed as a writing, non-destructive tool taking the change schema', async () => {
    const { tools } = await connection.client.listTools();
    const tool = tools.find((candidate) => candidate.name === 'generate_migration');
    expect(tool?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    });
    // The listing names the 17 ops with their fields in one line; the full union is the tool's schema resource.
    const changes = tool?.inputSchema.properties?.changes as { description: string };
    expect(changes.description.match(/\b[a-z_]+\{/g)).toHaveLength(17);
    const read = await connection.client.readResource({ uri: 'db-migration-agent://tools/generate_migration/schema' });
    const full = JSON.parse(String(read.contents[0]?.text)) as {
      input: { properties: { changes: { items: { anyOf?: unknown[]; oneOf?: unknown[] } } } };
    };
    const items = full.input.properties.changes.items;
    expect((items.anyOf ?? items.oneOf ?? []).length).toBe(17);
  });

  it('writes the safe change, withholds the drop without confirmation and says what it would drop', async () => {
    const root = project();
    roots.push(root);
    const result = await callTool(connection.client, 'generate_migration', {
      projectRoot: root,
      engine: 'sqlite',
      changes: [
        { op: 'add_column', table: 'orders', column: { name: 'status', type: 'text', default: "'new'" } },
        { op: 'drop_column', table: 'orders', column: 'note' },
      ],
    });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as {
      written: boolean;
      risk: string;
      withheld: { migration: string; drops: string }[];
      files: { path: string; edit: boolean; contents: string }[];
      rehearsal: { outcome: string }[];
    };
    expect(structured.written).toBe(true);
    expect(structured.risk).toBe('HIGH');
    expect(structured.withheld).toEqual([{ migration: 'drop_note_from_orders', drops: 'every value of orders.note' }]);
    expect(structured.files.map((file) => file.path)).toEqual([
      'migrations/0002_add_status_to_orders.sql',
      'migrations/down/0002_add_status_to_orders.sql',
    ]);
    expect(structured.rehearsal.map((item) => item.outcome)).toEqual(['passed']);
    expect(files(root)).toEqual([
      '0001_create_orders.sql',
      '0002_add_status_to_orders.sql',
      'down/0001_create_orders.sql',
      'down/0002_add_status_to_orders.sql',
    ]);
    expect(readFileSync(path.join(root, 'migrations/0002_add_status_to_orders.sql'), 'utf8')).toBe(
      `BEGIN;\n\nALTER TABLE "orders" ADD COLUMN "status" text DEFAULT 'new';\n\nCOMMIT;\n`,
    );
    expect(readFileSync(path.join(root, 'migrations/down/0002_add_status_to_orders.sql'), 'utf8')).toBe(
      'BEGIN;\n\nALTER TABLE "orders" DROP COLUMN "status";\n\nCOMMIT;\n',
    );
    expect(textOf(result)).toContain('✗ drop_note_from_orders: every value of orders.note');
  });

  it('generates the drop with confirmDestructive, as a contract phase the code must be ready for', async () => {
    const root = project();
    roots.push(root);
    const result = await callTool(connection.client, 'generate_migration', {
      projectRoot: root,
      engine: 'sqlite',
      dryRun: true,
      confirmDestructive: true,
      changes: [{ op: 'drop_column', table: 'orders', column: 'note' }],
    });
    const structured = result.structuredContent as {
      written: boolean;
      notWrittenBecause: string;
      withheld: unknown[];
      drafts: { name: string; applicationChange?: string; phase?: unknown }[];
      rehearsal: { outcome: string; destroyed: string[] }[];
    };
    expect(structured.written).toBe(false);
    expect(structured.notWrittenBecause).toBe('dryRun');
    expect(structured.withheld).toEqual([]);
    expect(structured.drafts).toEqual([
      {
        name: 'drop_note_from_orders',
        files: ['migrations/0002_drop_note_from_orders.sql', 'migrations/down/0002_drop_note_from_orders.sql'],
        transactional: true,
        applicationChange: 'Deploy code that no longer reads or writes orders.note before this migration runs.',
      },
    ]);
    expect(structured.rehearsal[0]?.outcome).toBe('passed');
    expect(structured.rehearsal[0]?.destroyed.join(' ')).toMatch(/column orders\.note/);
    expect(files(root)).toEqual(['0001_create_orders.sql', 'down/0001_create_orders.sql']);
  });

  it('asks the human before a destructive step when confirmDestructive is not given; yes generates it', async () => {
    const root = project();
    roots.push(root);
    const server = createServer({ cwd: root });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'generate-tests', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(String(request.params.message));
      return { action: 'accept', content: { allow: true } };
    });
    await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
    try {
      const result = (await client.callTool({
        name: 'generate_migration',
        arguments: {
          projectRoot: root,
          engine: 'sqlite',
          dryRun: true,
          changes: [{ op: 'drop_column', table: 'orders', column: 'note' }],
        },
      })) as CallToolResult;
      expect(asked).toEqual([
        'Generate migrations that destroy data? drop_note_from_orders: every value of orders.note',
      ]);
      const structured = result.structuredContent as { withheld: unknown[]; drafts: { name: string }[] };
      expect(structured.withheld).toEqual([]);
      expect(structured.drafts.map((draft) => draft.name)).toEqual(['drop_note_from_orders']);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('answers a bad change list with what, where and how to fix', async () => {
    const result = await callTool(connection.client, 'generate_migration', {
      projectRoot: FIXTURES,
      changes: [{ op: 'add_column', table: 'orders' }],
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/column/);
  });
});

describe('generateMigration refusals', { timeout: 120_000 }, () => {
  it('never overwrites an existing file', async () => {
    const root = makeProject({ 'migrations/20240101000000_create_orders.sql': INIT });
    try {
      const now = new Date('2025-02-03T04:05:06Z');
      const request = {
        root,
        engine: 'sqlite' as const,
        now,
        changes: [{ op: 'add_index' as const, table: 'orders', columns: ['note'] }],
      };
      const first = await generateMigration(request);
      expect(first.files.map((file) => file.path)).toEqual([
        'migrations/20250203040506_add_index_on_orders_note.sql',
        'migrations/down/20250203040506_add_index_on_orders_note.sql',
      ]);
      const written = readFileSync(path.join(root, first.files[0]?.path ?? ''), 'utf8');
      // Re-running the same change is caught by the rehearsal (its down would drop the index the first one made).
      const again = await generateMigration(request);
      expect(again.written).toBe(false);
      expect(again.rehearsal[0]?.reason).toMatch(/orders_note_idx removed/);
      // Another change under the same name and time would land on the same file: refused, not overwritten.
      await expect(
        generateMigration({
          ...request,
          name: 'add_index_on_orders_note',
          changes: [{ op: 'add_column', table: 'orders', column: { name: 'status', type: 'text' } }],
        }),
      ).rejects.toMatchObject({ code: 'file-exists' });
      expect(readFileSync(path.join(root, first.files[0]?.path ?? ''), 'utf8')).toBe(written);
    } finally {
      removeProject(root);
    }
  });

  it('names the formats that have a writer when the folder’s format has none', async () => {
    const root = makeProject({});
    try {
      cpSync(path.join(FIXTURES, 'sources-rails'), root, { recursive: true });
      await expect(
        generateMigration({ root, changes: [{ op: 'drop_index', name: 'x' }], dryRun: true }),
      ).rejects.toMatchObject({ code: 'no-writer', fix: expect.stringContaining('sql') });
    } finally {
      removeProject(root);
    }
  });
});

describe.skipIf(!existsSync(BIN))('CLI generate (built)', { timeout: 120_000 }, () => {
  it('writes from --changes @file and exits 0; --dry-run prints the files and writes nothing', async () => {
    const root = project();
    try {
      const changes = JSON.stringify([
        { op: 'create_table', table: 'customers', columns: [{ name: 'id', type: 'integer', primaryKey: true }] },
        { op: 'add_foreign_key', table: 'orders', columns: ['customer_id'], references: { table: 'customers' } },
      ]);
      const dry = await run(process.execPath, [
        BIN,
        'generate',
        '--root',
        root,
        '--engine',
        'sqlite',
        '--changes',
        changes,
        '--dry-run',
      ]).catch((error: { stdout: string; stderr: string; code: number }) => error);
      // orders has no customer_id: the rehearsal says so and nothing is written.
      expect(dry.stdout).toMatch(/rehearsal failed/);
      expect(files(root)).toEqual(['0001_create_orders.sql', 'down/0001_create_orders.sql']);

      const good = JSON.stringify([
        { op: 'create_table', table: 'customers', columns: [{ name: 'id', type: 'integer', primaryKey: true }] },
        {
          op: 'add_column',
          table: 'orders',
          column: { name: 'customer_id', type: 'integer', references: { table: 'customers' } },
        },
      ]);
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path.join(root, 'change.json'), good);
      const written = await run(process.execPath, [
        BIN,
        'generate',
        '--root',
        root,
        '--engine',
        'sqlite',
        '--changes',
        '@change.json',
        '--json',
      ]);
      const result = JSON.parse(written.stdout) as { written: boolean; files: { path: string }[]; risk: string };
      expect(result.written).toBe(true);
      expect(result.files.map((file) => file.path)).toEqual([
        'migrations/0002_add_customers_table_and_add_customer_id_to_orders.sql',
        'migrations/down/0002_add_customers_table_and_add_customer_id_to_orders.sql',
      ]);
      const up = readFileSync(path.join(root, result.files[0]?.path ?? ''), 'utf8');
      expect(up).toContain('CREATE TABLE IF NOT EXISTS "customers"');
      expect(up).toContain('CREATE INDEX IF NOT EXISTS "orders_customer_id_idx" ON "orders" ("customer_id")');
    } finally {
      removeProject(root);
    }
  });

  it('exits 2 with a fix for a change list that is not JSON', async () => {
    const failure = await run(process.execPath, [BIN, 'generate', '--changes', '{oops']).catch(
      (error: { stderr: string; code: number }) => error,
    );
    expect((failure as { code: number }).code).toBe(2);
    expect((failure as { stderr: string }).stderr).toMatch(/not JSON/);
  });
});
