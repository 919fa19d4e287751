import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSources } from '../../src/schema/diff-sources.js';
import { loadSchema } from '../../src/schema/sources.js';
import { createServer } from '../../src/server.js';
import { MYSQL_URL, mysqlAvailable } from '../helpers/databases.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/schema-diff/drizzle-project');
const MODULES = path.resolve(import.meta.dirname, '../../node_modules');
const BIN = path.resolve(import.meta.dirname, '../../dist/bundle/bin.js');
const run = promisify(execFile);

/** A git repository whose HEAD holds schema.before.ts as src/db/schema.ts and whose working tree the after. */
async function drizzleProject(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dma-diff-drizzle-'));
  mkdirSync(path.join(dir, 'src/db'), { recursive: true });
  for (const file of ['package.json', 'drizzle.config.ts'])
    copyFileSync(path.join(FIXTURE, file), path.join(dir, file));
  symlinkSync(MODULES, path.join(dir, 'node_modules'), 'dir');
  const git = simpleGit({ baseDir: dir });
  await git.init();
  await git.addConfig('user.email', 'test@example.com').addConfig('user.name', 'test');
  copyFileSync(path.join(FIXTURE, 'schema.before.ts'), path.join(dir, 'src/db/schema.ts'));
  await git.add(['package.json', 'drizzle.config.ts', 'src/db/schema.ts']).commit('schema');
  copyFileSync(path.join(FIXTURE, 'schema.after.ts'), path.join(dir, 'src/db/schema.ts'));
  return dir;
}

describe('diff_schema on a Drizzle schema.ts (git HEAD against the working tree)', { timeout: 120_000 }, () => {
  let project: string;
  beforeAll(async () => {
    project = await drizzleProject();
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('without consent says which flag loads the module, and runs nothing', async () => {
    await expect(diffSources({ root: project })).rejects.toMatchObject({
      code: 'drizzle-needs-consent',
      fix: expect.stringContaining('executeProjectCode: true (CLI --execute)'),
    });
  });

  it('with consent reads both sides with getTableConfig and gives the exact operations', async () => {
    const result = await diffSources({ root: project, executeProjectCode: true });
    expect(result.from).toBe('src/db/schema.ts at HEAD');
    expect(result.to).toBe('src/db/schema.ts');
    expect(result.engine).toBe('postgresql');
    expect(
      result.diff.operations.map((operation) => `${operation.kind} ${operation.object} ${operation.safety}`),
    ).toEqual([
      'create-enum post_status safe',
      'create-sequence posts_id_seq safe',
      'create-table posts safe',
      'add-column users.nickname safe',
      'create-index posts.posts_author_id_idx safe',
      'alter-sequence posts_id_seq safe',
      'add-constraint posts.posts_author_id_users_id_fk safe',
    ]);
    const sql = result.diff.operations.flatMap((operation) => operation.sql).join('\n');
    expect(sql).toContain(`CREATE TYPE post_status AS ENUM ('draft', 'published')`);
    expect(sql).toContain("title text DEFAULT 'untitled'::text NOT NULL");
    expect(sql).toContain("status post_status DEFAULT 'draft'::post_status NOT NULL");
    expect(sql).toContain('pinned boolean DEFAULT false NOT NULL');
    expect(sql).toContain('created_at timestamp with time zone DEFAULT now() NOT NULL');
    expect(sql).toContain('ALTER TABLE users ADD COLUMN nickname character varying(50)');
    expect(sql).toContain(
      'ALTER TABLE posts ADD CONSTRAINT posts_author_id_users_id_fk FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE',
    );
    expect(result.diff.questions).toEqual([]);
  });

  it('finds nothing between the working-tree schema and itself', async () => {
    const result = await diffSources({
      root: project,
      from: 'drizzle:src/db/schema.ts',
      to: 'drizzle:src/db/schema.ts',
      executeProjectCode: true,
    });
    expect(result.diff.operations).toEqual([]);
  });

  it('MCP diff_schema: isError naming executeProjectCode without it, the operations with it', async () => {
    const { client, close } = await connectInMemory(project);
    try {
      const refused = await callTool(client, 'diff_schema', { projectRoot: project, executeProjectCode: false });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain('executeProjectCode: true');
      const result = await callTool(client, 'diff_schema', { projectRoot: project, executeProjectCode: true });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({
        from: 'src/db/schema.ts at HEAD',
        to: 'src/db/schema.ts',
        totalOperations: 7,
        summary: { safe: 7, careful: 0, dangerous: 0 },
      });
    } finally {
      await close();
    }
  });

  it('MCP diff_schema without executeProjectCode asks once for both sides; a decline loads nothing', async () => {
    for (const answer of ['accept', 'decline'] as const) {
      const server = createServer({ cwd: project });
      const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
      const client = new Client({ name: 'drizzle-consent', version: '1.0.0' }, { capabilities: { elicitation: {} } });
      const asked: string[] = [];
      client.setRequestHandler(ElicitRequestSchema, async (request) => {
        asked.push(String(request.params.message));
        return answer === 'accept' ? { action: 'accept', content: { allow: true } } : { action: 'decline' };
      });
      await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
      try {
        const result = await callTool(client, 'diff_schema', { projectRoot: project });
        expect(asked).toHaveLength(1);
        expect(asked[0]).toContain('The schema is code (Drizzle schema.ts');
        if (answer === 'accept') expect(result.structuredContent).toMatchObject({ totalOperations: 7 });
        else expect(textOf(result)).toContain('executeProjectCode: true');
      } finally {
        await client.close();
        await server.close();
      }
    }
  });

  it.skipIf(!existsSync(BIN))('CLI: diff --execute reads schema.ts; without --execute exits 2 naming it', async () => {
    const { stdout } = await run('node', [BIN, 'diff', '--file', 'src/db/schema.ts', '--execute', '--format', 'json'], {
      cwd: project,
    });
    expect(JSON.parse(stdout).diff.operations).toHaveLength(7);
    const refused = await run('node', [BIN, 'diff', '--file', 'src/db/schema.ts'], { cwd: project }).catch(
      (error) => error,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--execute');
  });
});

describe('diff_schema: the Drizzle migration history against schema.ts (SQLite)', { timeout: 120_000 }, () => {
  const project = mkdtempSync(path.join(tmpdir(), 'dma-diff-drizzle-sqlite-'));
  beforeAll(() => {
    cpSync(path.resolve(import.meta.dirname, '../fixtures/generate-drizzle-sqlite'), project, { recursive: true });
    symlinkSync(MODULES, path.join(project, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const missing = () =>
    diffSources({ root: project, from: 'migrations', to: 'drizzle:src/db/schema.ts', executeProjectCode: true });

  it('finds no missing migration while schema.ts and the history agree', async () => {
    const result = await missing();
    expect([result.from, result.to, result.engine]).toEqual([
      '1 drizzle migration(s) in drizzle',
      'src/db/schema.ts',
      'sqlite',
    ]);
    expect(result.diff.operations).toEqual([]);
  });

  it('names the column schema.ts has and no migration adds', async () => {
    const file = path.join(project, 'src/db/schema.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "slug: text('slug').notNull().unique(),",
        "slug: text('slug').notNull().unique(),\n  pinned: integer('pinned').notNull().default(0),",
      ),
    );
    const result = await missing();
    expect(result.diff.operations.map((operation) => [operation.kind, operation.object, operation.sql])).toEqual([
      ['add-column', 'notes.pinned', ['ALTER TABLE "notes" ADD COLUMN "pinned" INTEGER NOT NULL DEFAULT 0']],
    ]);
  });
});

describe('diff_schema: a Drizzle schema module that cannot be read', { timeout: 120_000 }, () => {
  const project = mkdtempSync(path.join(tmpdir(), 'dma-diff-drizzle-bad-'));
  beforeAll(() => {
    mkdirSync(path.join(project, 'src/db'), { recursive: true });
    copyFileSync(path.join(FIXTURE, 'package.json'), path.join(project, 'package.json'));
    symlinkSync(MODULES, path.join(project, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const read = (text: string) => {
    writeFileSync(path.join(project, 'src/db/schema.ts'), text);
    return diffSources({
      root: project,
      from: 'drizzle:src/db/schema.ts',
      to: 'drizzle:src/db/schema.ts',
      executeProjectCode: true,
    });
  };

  it('a syntax error: where it is (file:line:col) and that the schema module must compile', async () => {
    await expect(
      read(
        "import { pgTable, serial } from 'drizzle-orm/pg-core';\n\nexport const users = pgTable('users', {\n  id: serial('id').primaryKey(),,\n});\n",
      ),
    ).rejects.toMatchObject({
      code: 'drizzle-schema-syntax',
      where: { file: 'src/db/schema.ts', line: 4, column: 33 },
      fix: expect.stringContaining('schema module compiles'),
    });
  });

  it('a module that throws, or exports no table: said, with the file', async () => {
    await expect(read("throw new Error('no DATABASE_URL');\n")).rejects.toMatchObject({
      code: 'drizzle-schema-load-failed',
      what: expect.stringContaining('Loading src/db/schema.ts failed: no DATABASE_URL'),
      where: { file: 'src/db/schema.ts', line: 1 },
    });
    await expect(read('export const answer = 42;\n')).rejects.toMatchObject({
      code: 'drizzle-no-tables',
      what: 'src/db/schema.ts exports no Drizzle table (pgTable / sqliteTable / mysqlTable).',
    });
  });
});

describe.skipIf(!(await mysqlAvailable()).available)('a Drizzle mysql-core schema read on a MariaDB shadow', () => {
  const project = mkdtempSync(path.join(tmpdir(), 'dma-drizzle-mysql-'));
  beforeAll(() => {
    cpSync(path.resolve(import.meta.dirname, '../fixtures/schema-diff/drizzle-mysql'), path.join(project), {
      recursive: true,
    });
    mkdirSync(path.join(project, 'src/db'), { recursive: true });
    copyFileSync(path.join(project, 'schema.ts'), path.join(project, 'src/db/schema.ts'));
    symlinkSync(MODULES, path.join(project, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('gives the tables MySQL creates from it: serial, enum, boolean, decimal, the foreign key and its index', async () => {
    const { schema } = await loadSchema(
      { kind: 'drizzle', file: 'src/db/schema.ts' },
      { root: project, shadowUrl: MYSQL_URL, executeProjectCode: true },
    );
    const described = schema.tables.map((table) => ({
      table: table.name,
      columns: table.columns.map(
        (column) =>
          `${column.name} ${column.type}${column.nullable ? '' : ' not null'}${column.default ? ` = ${column.default}` : ''}`,
      ),
      indexes: table.indexes.map((index) => index.name),
      uniques: table.uniques.map((unique) => unique.name),
      foreignKeys: table.foreignKeys.map((key) => `${key.name} → ${key.referencedTable}`),
    }));
    expect(described).toEqual([
      {
        table: 'posts',
        columns: [
          'id int(11) not null',
          'user_id bigint(20) unsigned not null',
          "status enum('draft','published') not null = 'draft'",
          'featured tinyint(1) not null = 0',
          'price decimal(8,2)',
        ],
        indexes: ['posts_user_id_idx'],
        uniques: [],
        foreignKeys: ['posts_user_id_users_id_fk → users'],
      },
      {
        table: 'users',
        columns: [
          'id bigint(20) unsigned not null',
          'email varchar(255) not null',
          'created_at timestamp not null = current_timestamp()',
        ],
        indexes: [],
        uniques: expect.arrayContaining(['users_email_unique']),
        foreignKeys: [],
      },
    ]);
  });
});
