import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSources } from '../../src/schema/diff-sources.js';
import { loadSchema } from '../../src/schema/sources.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/schema-diff/typeorm-project');
const MODULES = path.resolve(import.meta.dirname, '../../node_modules');
const BIN = path.resolve(import.meta.dirname, '../../dist/bundle/bin.js');
const run = promisify(execFile);

/** The fixture in a git repository: HEAD holds src/entity/user.ts, the working tree its nickname column. */
async function typeormProject(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dma-diff-typeorm-'));
  cpSync(FIXTURE, dir, { recursive: true });
  symlinkSync(MODULES, path.join(dir, 'node_modules'), 'dir');
  const git = simpleGit({ baseDir: dir });
  await git.init();
  await git.addConfig('user.email', 'test@example.com').addConfig('user.name', 'test');
  await git.add(['package.json', 'tsconfig.json', 'src']).commit('entities');
  cpSync(path.join(dir, 'user.after.ts'), path.join(dir, 'src/entity/user.ts'));
  return dir;
}

const described = (operations: { kind: string; object: string; safety: string }[]) =>
  operations.map((operation) => `${operation.kind} ${operation.object} ${operation.safety}`);

describe('diff_schema on TypeORM entities', { timeout: 120_000 }, () => {
  let project: string;
  beforeAll(async () => {
    project = await typeormProject();
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('without consent says how to give it, and runs nothing', async () => {
    await expect(
      diffSources({ root: project, from: 'typeorm:src/data-source.ts', to: 'migrations' }),
    ).rejects.toMatchObject({
      code: 'typeorm-needs-consent',
      fix: expect.stringContaining('executeProjectCode: true (CLI --execute)'),
    });
  });

  it("gives the tables TypeORM's synchronize creates: enum, nullable, numeric, unique, index, ManyToOne FK", async () => {
    const { schema, label } = await loadSchema(
      { kind: 'typeorm', files: 'src/entity/*.ts' },
      { root: project, executeProjectCode: true },
    );
    expect(label).toBe('src/entity/*.ts');
    expect(schema.enums).toEqual([{ name: 'user_role', values: ['admin', 'member'] }]);
    const tables = schema.tables.map((table) => ({
      table: table.name,
      columns: table.columns.map(
        (column) =>
          `${column.name} ${column.type}${column.nullable ? '' : ' not null'}${column.default ? ` = ${column.default}` : ''}`,
      ),
      indexes: table.indexes.map((index) => `${index.name} (${index.columns.join(', ')})`),
      uniques: table.uniques.map((unique) => `${unique.name} (${unique.columns.join(', ')})`),
      foreignKeys: table.foreignKeys.map(
        (key) =>
          `${key.columns.join(', ')} → ${key.referencedTable}(${key.referencedColumns.join(', ')}) ${key.onDelete}`,
      ),
    }));
    expect(tables).toEqual([
      {
        table: 'posts',
        columns: [
          "id int4 not null = nextval('posts_id_seq'::regclass)",
          'title varchar not null',
          'pinned bool not null = false',
          'price numeric(10,2)',
          'created_at timestamp not null = now()',
          'authorId int4 not null',
        ],
        indexes: ['posts_title_idx (title)'],
        uniques: [],
        foreignKeys: ['authorId → users(id) cascade'],
      },
      {
        table: 'users',
        columns: [
          "id int4 not null = nextval('users_id_seq'::regclass)",
          'email varchar(200) not null',
          'bio text',
          "role user_role not null = 'member'::user_role",
          'nickname varchar(50)',
        ],
        indexes: [],
        uniques: ['users_email_key (email)'],
        foreignKeys: [],
      },
    ]);
  });

  it('migrations → entities names the index no migration creates and the column the working tree adds', async () => {
    const result = await diffSources({
      root: project,
      from: 'migrations',
      to: 'typeorm:src/data-source.ts',
      executeProjectCode: true,
    });
    expect(result.from).toMatch(/^1 typeorm migration\(s\) in src\/migrations/);
    expect(result.to).toBe('src/data-source.ts');
    expect(described(result.diff.operations)).toEqual([
      'add-column users.nickname safe',
      'create-index posts.posts_title_idx careful',
    ]);
    const sql = result.diff.operations.flatMap((operation) => operation.sql).join('\n');
    expect(sql).toContain('ALTER TABLE users ADD COLUMN nickname character varying(50)');
    expect(sql).toContain('CREATE INDEX posts_title_idx ON public.posts USING btree (title)');
  });

  it('an entity changed since HEAD: git:HEAD:<data source> (its imports read at HEAD) against the working tree', async () => {
    const result = await diffSources({
      root: project,
      from: 'git:HEAD:src/data-source.ts',
      to: 'typeorm:src/data-source.ts',
      executeProjectCode: true,
    });
    expect(result.from).toBe('src/data-source.ts at HEAD');
    expect(described(result.diff.operations)).toEqual(['add-column users.nickname safe']);
    const glob = await diffSources({
      root: project,
      from: 'git:HEAD:typeorm:src/entity/*.ts',
      to: 'typeorm:src/entity/*.ts',
      executeProjectCode: true,
    });
    expect(described(glob.diff.operations)).toEqual(['add-column users.nickname safe']);
  });

  it('with no source named, the data source at HEAD against the working tree', async () => {
    const result = await diffSources({ root: project, executeProjectCode: true });
    expect([result.from, result.to]).toEqual(['src/data-source.ts at HEAD', 'src/data-source.ts']);
    expect(described(result.diff.operations)).toEqual(['add-column users.nickname safe']);
  });

  it('MCP diff_schema: isError naming executeProjectCode without it, the operations with it', async () => {
    const { client, close } = await connectInMemory(project);
    try {
      const args = { projectRoot: project, from: 'git:HEAD:src/data-source.ts', to: 'typeorm:src/data-source.ts' };
      const refused = await callTool(client, 'diff_schema', { ...args, executeProjectCode: false });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain('executeProjectCode: true');
      const result = await callTool(client, 'diff_schema', { ...args, executeProjectCode: true });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({
        from: 'src/data-source.ts at HEAD',
        to: 'src/data-source.ts',
        totalOperations: 1,
        summary: { safe: 1, careful: 0, dangerous: 0 },
      });
    } finally {
      await close();
    }
  });

  it.skipIf(!existsSync(BIN))(
    'CLI: diff --execute reads the entities; without --execute exits 2 naming it',
    async () => {
      const args = ['diff', '--from', 'migrations', '--to', 'typeorm:src/entity/*.ts'];
      const { stdout } = await run('node', [BIN, ...args, '--execute', '--format', 'json'], { cwd: project });
      expect(described(JSON.parse(stdout).diff.operations)).toEqual([
        'add-column users.nickname safe',
        'create-index posts.posts_title_idx careful',
      ]);
      const refused = await run('node', [BIN, ...args], { cwd: project }).catch((error) => error);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--execute');
    },
  );
});

describe('TypeORM entities that cannot be read', { timeout: 120_000 }, () => {
  const project = mkdtempSync(path.join(tmpdir(), 'dma-diff-typeorm-bad-'));
  beforeAll(() => {
    cpSync(FIXTURE, project, { recursive: true });
    symlinkSync(MODULES, path.join(project, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const read = () =>
    loadSchema({ kind: 'typeorm', files: 'src/entity/*.ts' }, { root: project, executeProjectCode: true });
  const post = path.join(FIXTURE, 'src/entity/post.ts');

  it('a syntax error in one entity: where it is (file:line:col)', async () => {
    writeFileSync(
      path.join(project, 'src/entity/post.ts'),
      readFileSync(post, 'utf8').replace('title!: string;', 'title!: string;;)'),
    );
    await expect(read()).rejects.toMatchObject({
      code: 'typeorm-entities-syntax',
      where: { file: 'src/entity/post.ts', line: 11, column: 19 },
    });
  });

  it('a column whose type TypeORM cannot infer: its own message, with the entity and column', async () => {
    writeFileSync(
      path.join(project, 'src/entity/post.ts'),
      readFileSync(post, 'utf8').replace(
        "@Column('numeric', { precision: 10, scale: 2, nullable: true })",
        '@Column({ nullable: true })',
      ),
    );
    await expect(read()).rejects.toMatchObject({
      code: 'typeorm-planning-failed',
      what: 'TypeORM entities in src/entity/*.ts could not be planned: Data type "Object" in "Post.price" is not supported by "postgres" database.',
    });
  });

  it('an entity module that throws as it loads: the file and line that threw', async () => {
    writeFileSync(
      path.join(project, 'src/entity/post.ts'),
      readFileSync(post, 'utf8').replace(
        "@Entity('posts')",
        "if (!process.env.BLOG_DB) throw new Error('BLOG_DB is not set');\n@Entity('posts')",
      ),
    );
    await expect(read()).rejects.toMatchObject({
      code: 'typeorm-load-failed',
      what: 'Loading src/entity/*.ts failed: BLOG_DB is not set',
      where: { file: 'src/entity/post.ts', line: 4 },
    });
  });

  it('an entity module that writes a file: refused by the sandbox, said, and nothing written', async () => {
    const target = path.join(tmpdir(), `dma-typeorm-hostile-${process.pid}`);
    writeFileSync(
      path.join(project, 'src/entity/post.ts'),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(target)}, 'owned');\n${readFileSync(post, 'utf8')}`,
    );
    await expect(read()).rejects.toMatchObject({
      code: 'typeorm-load-failed',
      what: expect.stringContaining('the sandbox denied writing files'),
      where: { file: 'src/entity/post.ts', line: 2 },
    });
    expect(existsSync(target)).toBe(false);
  });

  it('a glob naming no module says so', async () => {
    await expect(
      loadSchema({ kind: 'typeorm', files: 'src/models/*.ts' }, { root: project, executeProjectCode: true }),
    ).rejects.toMatchObject({ code: 'schema-modules-not-found' });
  });
});

describe.skipIf(!(await postgresAvailable()).available)('TypeORM entities on a PostgreSQL server shadow', () => {
  const project = mkdtempSync(path.join(tmpdir(), 'dma-typeorm-pg-'));
  beforeAll(() => {
    cpSync(FIXTURE, project, { recursive: true });
    symlinkSync(MODULES, path.join(project, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('the history and the entities differ by the one index, on the server as on PGlite', async () => {
    const result = await diffSources({
      root: project,
      from: 'migrations',
      to: 'typeorm:src/data-source.ts',
      shadowUrl: POSTGRES_URL,
      executeProjectCode: true,
    });
    expect(described(result.diff.operations)).toEqual(['create-index posts.posts_title_idx careful']);
  });
});

/** The fixture with its data source's type (and what that engine lacks) changed. */
function variant(prefix: string, type: string, from = "type: 'postgres'"): string {
  const project = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(FIXTURE, project, { recursive: true });
  symlinkSync(MODULES, path.join(project, 'node_modules'), 'dir');
  const dataSource = path.join(project, 'src/data-source.ts');
  writeFileSync(dataSource, readFileSync(dataSource, 'utf8').replace(from, type));
  return project;
}

const columnsOf = (schema: Awaited<ReturnType<typeof loadSchema>>['schema']) =>
  schema.tables.map((table) => [
    table.name,
    table.columns.map((column) => `${column.name} ${column.type}${column.nullable ? '' : ' not null'}`),
    table.indexes.map((index) => index.name),
    table.foreignKeys.map((key) => `${key.columns.join(', ')} → ${key.referencedTable}`),
  ]);

describe.skipIf(!(await mysqlAvailable()).available)('TypeORM entities of a MariaDB data source', () => {
  const project = variant('dma-typeorm-mariadb-', "type: 'mariadb'");
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('are planned by the MySQL driver and read back from a MariaDB shadow', async () => {
    const { schema } = await loadSchema(
      { kind: 'typeorm', files: 'src/data-source.ts' },
      { root: project, shadowUrl: MYSQL_URL, executeProjectCode: true },
    );
    expect(schema.engine).toBe('mysql');
    expect(columnsOf(schema)).toEqual([
      [
        'posts',
        [
          'id int(11) not null',
          'title varchar(255) not null',
          'pinned tinyint(4) not null',
          'price decimal(10,2)',
          'created_at datetime(6) not null',
          'authorId int(11) not null',
        ],
        ['FK_c5a322ad12a7bf95460c958e80e', 'posts_title_idx'],
        ['authorId → users'],
      ],
      [
        'users',
        ['id int(11) not null', 'email varchar(200) not null', 'bio text', "role enum('admin','member') not null"],
        [],
        [],
      ],
    ]);
  });
});

describe('TypeORM entities of a better-sqlite3 data source', { timeout: 120_000 }, () => {
  const project = variant('dma-typeorm-sqlite-', "type: 'better-sqlite3', database: 'app.db'");
  beforeAll(() => {
    // SQLite has no enum type: TypeORM's simple-enum is what such projects write.
    const user = path.join(project, 'src/entity/user.ts');
    writeFileSync(
      user,
      readFileSync(user, 'utf8').replace(
        "type: 'enum', enum: Role, enumName: 'user_role'",
        "type: 'simple-enum', enum: Role",
      ),
    );
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('are planned by the SQLite driver (no connection, no file) and read back from SQLite in memory', async () => {
    const { schema } = await loadSchema(
      { kind: 'typeorm', files: 'src/data-source.ts' },
      { root: project, executeProjectCode: true },
    );
    expect(schema.engine).toBe('sqlite');
    expect(existsSync(path.join(project, 'app.db'))).toBe(false);
    expect(columnsOf(schema)).toEqual([
      [
        'posts',
        [
          'id integer not null',
          'title varchar not null',
          'pinned boolean not null',
          'price numeric(10,2)',
          'created_at datetime not null',
          'authorId integer not null',
        ],
        ['posts_title_idx'],
        ['authorId → users'],
      ],
      ['users', ['id integer not null', 'email varchar(200) not null', 'bio text', 'role varchar not null'], [], []],
    ]);
  });
});

describe('a TypeORM data source naming its entities by path', { timeout: 120_000 }, () => {
  // The imports of User and Post stay but are unused, so the compiled data source loads neither.
  const project = variant(
    'dma-typeorm-paths-',
    "entities: [__dirname + '/entity/*.{ts,js}'],",
    'entities: [User, Post],',
  );
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('loads the modules its glob names (relative to the data source, via __dirname) and plans their tables', async () => {
    const { schema } = await loadSchema(
      { kind: 'typeorm', files: 'src/data-source.ts' },
      { root: project, executeProjectCode: true },
    );
    expect(schema.tables.map((table) => table.name)).toEqual(['posts', 'users']);
    expect(schema.tables.find((table) => table.name === 'posts')?.indexes.map((index) => index.name)).toEqual([
      'posts_title_idx',
    ]);
  });

  it('a glob that names no module says which paths it tried', async () => {
    const dataSource = path.join(project, 'src/data-source.ts');
    const text = readFileSync(dataSource, 'utf8');
    writeFileSync(dataSource, text.replace('/entity/*.{ts,js}', '/models/*.ts'));
    try {
      await expect(
        loadSchema({ kind: 'typeorm', files: 'src/data-source.ts' }, { root: project, executeProjectCode: true }),
      ).rejects.toMatchObject({ code: 'typeorm-no-entities', what: expect.stringContaining('/src/models/*.ts') });
    } finally {
      writeFileSync(dataSource, text);
    }
  });
});
