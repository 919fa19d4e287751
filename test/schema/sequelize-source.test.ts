import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSources } from '../../src/schema/diff-sources.js';
import { loadSchema } from '../../src/schema/sources.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/schema-diff/sequelize-project');
const MODULES = path.resolve(import.meta.dirname, '../../node_modules');

/** The fixture in a git repository: HEAD holds models/user.js, the working tree its nickname column. */
async function sequelizeProject(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dma-diff-sequelize-'));
  cpSync(FIXTURE, dir, { recursive: true });
  symlinkSync(MODULES, path.join(dir, 'node_modules'), 'dir');
  const git = simpleGit({ baseDir: dir });
  await git.init();
  await git.addConfig('user.email', 'test@example.com').addConfig('user.name', 'test');
  await git.add(['package.json', 'models', 'migrations']).commit('models');
  cpSync(path.join(dir, 'user.after.js'), path.join(dir, 'models/user.js'));
  return dir;
}

const described = (operations: { kind: string; object: string; safety: string }[]) =>
  operations.map((operation) => `${operation.kind} ${operation.object} ${operation.safety}`);

describe('diff_schema on Sequelize models', { timeout: 120_000 }, () => {
  let project: string;
  beforeAll(async () => {
    project = await sequelizeProject();
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('without consent says how to give it, and runs nothing', async () => {
    await expect(loadSchema({ kind: 'sequelize', files: 'models/index.js' }, { root: project })).rejects.toMatchObject({
      code: 'sequelize-needs-consent',
      what: "models/index.js holds Sequelize models: reading them runs the project's code.",
      fix: expect.stringContaining('executeProjectCode: true (CLI --execute)'),
    });
  });

  it("gives the tables the project's sequelize.sync() creates: enum, nullable, decimal, unique, index, FK", async () => {
    const { schema } = await loadSchema(
      { kind: 'sequelize', files: 'models/index.js' },
      { root: project, executeProjectCode: true },
    );
    expect(schema.enums).toEqual([{ name: 'enum_users_role', values: ['admin', 'member'] }]);
    const tables = schema.tables.map((table) => ({
      table: table.name,
      columns: table.columns.map(
        (column) =>
          `${column.name} ${column.type}${column.nullable ? '' : ' not null'}${column.default ? ` = ${column.default}` : ''}`,
      ),
      indexes: table.indexes.map((index) => `${index.name} (${index.columns.join(', ')})`),
      uniques: table.uniques.map((unique) => unique.columns.join(', ')),
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
          'title varchar(255) not null',
          'pinned bool not null = false',
          'price numeric(10,2)',
          'created_at timestamptz not null',
          'updated_at timestamptz not null',
          'author_id int4 not null',
        ],
        indexes: ['posts_title_idx (title)'],
        uniques: [],
        foreignKeys: ['author_id → users(id) cascade'],
      },
      {
        table: 'users',
        columns: [
          "id int4 not null = nextval('users_id_seq'::regclass)",
          'email varchar(200) not null',
          'bio text',
          'nickname varchar(50)',
          "role enum_users_role not null = 'member'::enum_users_role",
          'created_at timestamptz not null',
          'updated_at timestamptz not null',
        ],
        indexes: [],
        uniques: ['email'],
        foreignKeys: [],
      },
    ]);
  });

  it('the sequelize-cli history → the models: the index no migration creates and the new column', async () => {
    const result = await diffSources({
      root: project,
      from: 'migrations',
      to: 'sequelize:models/index.js',
      executeProjectCode: true,
    });
    expect(result.from).toMatch(/^1 sequelize migration\(s\) in migrations/);
    expect(described(result.diff.operations)).toEqual([
      'add-column users.nickname safe',
      'create-index posts.posts_title_idx careful',
    ]);
  });

  it('a model changed since HEAD: git:HEAD:models/index.js (its requires read at HEAD) against the working tree', async () => {
    const result = await diffSources({
      root: project,
      from: 'git:HEAD:models/index.js',
      to: 'sequelize:models/index.js',
      executeProjectCode: true,
    });
    expect(result.from).toBe('models/index.js at HEAD');
    expect(described(result.diff.operations)).toEqual(['add-column users.nickname safe']);
    expect(result.diff.operations[0]?.sql).toEqual(['ALTER TABLE users ADD COLUMN nickname character varying(50)']);
  });

  it('with no source named, the models module at HEAD against the working tree', async () => {
    const result = await diffSources({ root: project, executeProjectCode: true });
    expect([result.from, result.to]).toEqual(['models/index.js at HEAD', 'models/index.js']);
    expect(described(result.diff.operations)).toEqual(['add-column users.nickname safe']);
  });
});

describe.skipIf(!(await postgresAvailable()).available)('Sequelize models on a PostgreSQL server shadow', () => {
  const project = mkdtempSync(path.join(tmpdir(), 'dma-sequelize-pg-'));
  beforeAll(() => {
    cpSync(FIXTURE, project, { recursive: true });
    symlinkSync(MODULES, path.join(project, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('the history and the models differ by the one index, on the server as on PGlite', async () => {
    const result = await diffSources({
      root: project,
      from: 'migrations',
      to: 'sequelize:models/index.js',
      shadowUrl: POSTGRES_URL,
      executeProjectCode: true,
    });
    expect(described(result.diff.operations)).toEqual(['create-index posts.posts_title_idx careful']);
  });
});
