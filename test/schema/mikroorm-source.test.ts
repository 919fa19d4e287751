import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSources } from '../../src/schema/diff-sources.js';
import { loadSchema } from '../../src/schema/sources.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/schema-diff/mikroorm-project');
const MODULES = path.resolve(import.meta.dirname, '../../node_modules');

/** The fixture in a git repository: HEAD holds user.entity.ts, the working tree its nickname column. */
async function mikroormProject(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dma-diff-mikroorm-'));
  cpSync(FIXTURE, dir, { recursive: true });
  symlinkSync(MODULES, path.join(dir, 'node_modules'), 'dir');
  const git = simpleGit({ baseDir: dir });
  await git.init();
  await git.addConfig('user.email', 'test@example.com').addConfig('user.name', 'test');
  await git.add(['package.json', 'tsconfig.json', 'mikro-orm.config.ts', 'src']).commit('entities');
  cpSync(path.join(dir, 'user.after.ts'), path.join(dir, 'src/entities/user.entity.ts'));
  return dir;
}

describe('diff_schema on MikroORM entities', { timeout: 120_000 }, () => {
  let project: string;
  beforeAll(async () => {
    project = await mikroormProject();
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('without consent says how to give it, and runs nothing', async () => {
    await expect(
      loadSchema({ kind: 'mikroorm', files: 'mikro-orm.config.ts' }, { root: project }),
    ).rejects.toMatchObject({
      code: 'mikroorm-needs-consent',
      fix: expect.stringContaining('executeProjectCode: true (CLI --execute)'),
    });
  });

  it("gives the tables MikroORM's schema generator creates: native enum, nullable, decimal, unique, index, FK", async () => {
    const { schema } = await loadSchema(
      { kind: 'mikroorm', files: 'mikro-orm.config.ts' },
      { root: project, executeProjectCode: true },
    );
    expect(schema.enums).toEqual([{ name: 'user_role', values: ['admin', 'member'] }]);
    expect(
      schema.tables.map((table) => [
        table.name,
        table.columns.map((column) => `${column.name} ${column.type}${column.nullable ? '' : ' not null'}`),
        table.indexes.map((index) => index.name),
        table.uniques.map((unique) => unique.name),
        table.foreignKeys.map(
          (key) => `${key.name}: ${key.columns.join(', ')} → ${key.referencedTable} ${key.onDelete}`,
        ),
      ]),
    ).toEqual([
      [
        'posts',
        [
          'id int4 not null',
          'title varchar(255) not null',
          'pinned bool not null',
          'price numeric(10,2)',
          'author_id int4 not null',
        ],
        ['posts_title_idx'],
        [],
        ['posts_author_id_foreign: author_id → users cascade'],
      ],
      [
        'users',
        [
          'id int4 not null',
          'email varchar(200) not null',
          'bio text',
          'nickname varchar(50)',
          'role user_role not null',
        ],
        [],
        ['users_email_key'],
        [],
      ],
    ]);
  });

  it('an entity changed since HEAD: the config at HEAD (its imports read there) and an entity glob at HEAD', async () => {
    const byConfig = await diffSources({
      root: project,
      from: 'git:HEAD:mikro-orm.config.ts',
      to: 'mikroorm:mikro-orm.config.ts',
      executeProjectCode: true,
    });
    expect(byConfig.diff.operations.map((operation) => [operation.kind, operation.object, operation.sql])).toEqual([
      ['add-column', 'users.nickname', ['ALTER TABLE users ADD COLUMN nickname character varying(50)']],
    ]);
    const byGlob = await diffSources({
      root: project,
      from: 'git:HEAD:mikroorm:src/entities/*.entity.ts',
      to: 'mikroorm:src/entities/*.entity.ts',
      executeProjectCode: true,
    });
    expect(byGlob.from).toBe('src/entities/*.entity.ts at HEAD');
    expect(byGlob.diff.operations.map((operation) => `${operation.kind} ${operation.object}`)).toEqual([
      'add-column users.nickname',
    ]);
  });
});

describe('a MikroORM config naming its entities by folder (entitiesTs / entities)', { timeout: 120_000 }, () => {
  const project = mkdtempSync(path.join(tmpdir(), 'dma-mikroorm-folders-'));
  beforeAll(() => {
    cpSync(FIXTURE, project, { recursive: true });
    symlinkSync(MODULES, path.join(project, 'node_modules'), 'dir');
    const config = path.join(project, 'mikro-orm.config.ts');
    writeFileSync(
      config,
      readFileSync(config, 'utf8')
        .replace(/import \{ (Post|User) \} from .*\n/g, '')
        .replace('entities: [User, Post],', "entities: ['./dist/entities'],\n  entitiesTs: ['./src/entities'],"),
    );
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('loads the TypeScript entities of entitiesTs with the config and plans their tables', async () => {
    const { schema } = await loadSchema(
      { kind: 'mikroorm', files: 'mikro-orm.config.ts' },
      { root: project, executeProjectCode: true },
    );
    expect(schema.tables.map((table) => table.name)).toEqual(['posts', 'users']);
  });
});
