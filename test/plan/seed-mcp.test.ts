import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = path.join(REPO, 'test/fixtures/seed-shop');
const SQLITE = { schema: 'sql:schema.sqlite.sql', engine: 'sqlite', tables: ['posts'], rows: 4, format: 'sql' };

type Connection = Awaited<ReturnType<typeof connectInMemory>>;

describe('generate_seed over MCP', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await connectInMemory(FIXTURE);
  });
  afterAll(async () => {
    await connection.close();
  });

  it('is listed with its input and output schemas and honest annotations', async () => {
    const { tools } = await connection.client.listTools();
    const tool = tools.find((candidate) => candidate.name === 'generate_seed');
    expect(tool?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, openWorldHint: false });
    expect(Object.keys(tool?.inputSchema.properties ?? {})).toEqual([
      'projectRoot',
      'tables',
      'from',
      'to',
      'schema',
      'database',
      'engine',
      'rows',
      'seed',
      'format',
      'name',
      'shadowUrl',
      'executeProjectCode',
      'write',
    ]);
    expect(tool?.description).toMatch(/^Use after a migration adds tables/);
  });

  it('returns the proven rows, a sample, the file and a short summary; same seed → same answer', async () => {
    const first = await callTool(connection.client, 'generate_seed', SQLITE);
    expect(first.isError).toBeFalsy();
    const structured = first.structuredContent as {
      provenRows: number;
      written: boolean;
      tables: { name: string; rows: number; reason: string; sample: Record<string, unknown>[] }[];
      files: { path: string; text: string; chars: number; truncated: boolean }[];
    };
    expect(structured.provenRows).toBe(8);
    expect(structured.written).toBe(false);
    expect(structured.tables.map((table) => [table.name, table.rows, table.reason])).toEqual([
      ['authors', 4, 'parent'],
      ['posts', 4, 'requested'],
    ]);
    expect(structured.tables[1]?.sample).toHaveLength(3);
    expect(structured.files[0]?.path).toBe('seeds/seed_posts.sql');
    expect(structured.files[0]?.text).toContain('INSERT INTO "posts"');
    expect(structured.files[0]).toMatchObject({ truncated: false, chars: structured.files[0]?.text.length });
    const text = textOf(first);
    expect(text).toContain('8 rows proven on SQLite in memory');
    expect(text).toContain('File (not written): seeds/seed_posts.sql');
    const again = await callTool(connection.client, 'generate_seed', SQLITE);
    expect(again.structuredContent).toEqual(first.structuredContent);
  });

  it('keeps a large answer small: 1000 rows proven, the file cut in the answer with its full length', async () => {
    const result = await callTool(connection.client, 'generate_seed', { ...SQLITE, tables: ['authors'], rows: 1000 });
    const structured = result.structuredContent as {
      provenRows: number;
      files: { text: string; chars: number; truncated: boolean }[];
    };
    expect(structured.provenRows).toBe(1000);
    expect(structured.files[0]?.truncated).toBe(true);
    expect(structured.files[0]?.chars).toBeGreaterThan(100_000);
    expect(structured.files[0]?.text.length).toBeLessThan(20_100);
    const tooMany = await callTool(connection.client, 'generate_seed', { ...SQLITE, rows: 1001 });
    expect(tooMany.isError).toBe(true);
  });

  it('answers a table missing from the schema with isError, what and how to fix', async () => {
    const result = await callTool(connection.client, 'generate_seed', { ...SQLITE, tables: ['invoices'] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('Table "invoices" is not in the schema');
  });
});

describe('db-migration-agent seed', () => {
  it('prints the summary and the seed file (in process)', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk) => {
      out += chunk;
    });
    const io = { stdout, stderr: new PassThrough(), stdin: new PassThrough(), cwd: FIXTURE, env: {} };
    const args = ['seed', '--schema', 'sql:schema.sqlite.sql', '--engine', 'sqlite', '--table', 'posts', '--rows', '2'];
    expect(await main([...args, '--format', 'sql'], io)).toBe(0);
    expect(out).toContain('4 rows proven on SQLite in memory');
    expect(out).toContain('--- seeds/seed_posts.sql');
  });

  it('runs as a process and exits 2 with a fix on bad input', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/bin.ts'), 'seed', ...args], {
        cwd: FIXTURE,
        encoding: 'utf8',
        timeout: 50_000,
      });
    const ok = run([
      '--schema',
      'sql:schema.sqlite.sql',
      '--engine',
      'sqlite',
      '--table',
      'authors',
      '--rows',
      '3',
      '--json',
    ]);
    expect(ok.status).toBe(0);
    const parsed = JSON.parse(ok.stdout) as { provenRows: number; format: string };
    expect(parsed).toMatchObject({ provenRows: 3, format: 'sql' });
    const bad = run(['--rows', 'many']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--rows many is not a whole number');
    expect(bad.stderr).toContain('fix:');
  }, 60_000);
});
