import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { detectSetup } from '../../src/project/detect.js';
import { EXPECTED, FIXTURES, stable, tempProject } from './helpers.js';

const FIXTURE_NAMES = [
  'prisma',
  'typeorm',
  'knex',
  'drizzle',
  'sequelize',
  'mongoose',
  'mikro-orm',
  'alembic',
  'django',
  'sqlalchemy',
  'tortoise',
  'golang-migrate',
  'dbmate',
  'goose',
  'flyway',
  'diesel',
  'sql-migrate',
  'monorepo',
  'ambiguous',
];

function expected(name: string): unknown {
  return JSON.parse(readFileSync(path.join(EXPECTED, `detect-${name}.json`), 'utf8'));
}

function thrown(action: () => unknown): UserError {
  try {
    action();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

describe('detectSetup on the fixture projects (exact results)', () => {
  it.each(FIXTURE_NAMES)('%s', (name) => {
    const result = detectSetup(path.join(FIXTURES, `detect-${name}`));
    expect(stable(result)).toEqual(expected(name));
  });

  it('reports the one ORM/tool of each single-tool fixture with its engine', () => {
    const engines: Record<string, string> = {
      prisma: 'postgresql',
      typeorm: 'mysql',
      knex: 'postgresql',
      drizzle: 'sqlite',
      sequelize: 'mariadb',
      mongoose: 'mongodb',
      'mikro-orm': 'postgresql',
      django: 'postgresql',
      sqlalchemy: 'mysql',
      tortoise: 'postgresql',
      'golang-migrate': 'postgresql',
      dbmate: 'postgresql',
      goose: 'sqlite',
      flyway: 'postgresql',
      diesel: 'postgresql',
      'sql-migrate': 'mysql',
    };
    for (const [name, engine] of Object.entries(engines)) {
      const [setup] = detectSetup(path.join(FIXTURES, `detect-${name}`)).packages;
      expect(
        setup?.orms.map((orm) => orm.name),
        name,
      ).toEqual([name]);
      expect(setup?.engine?.name, name).toBe(engine);
    }
  });

  it('orders Alembic revisions by down_revision, not by file name', () => {
    const [setup] = detectSetup(path.join(FIXTURES, 'detect-alembic')).packages;
    expect(setup?.migrations.map((migration) => migration.id)).toEqual(['1a9b8c7d6e5f', '3f2a1c9b7d10']);
    expect(setup?.migrations.map((migration) => migration.hasDown)).toEqual([false, true]);
  });

  it('orders Flyway versions numerically with repeatables last and pairs undo files', () => {
    const [setup] = detectSetup(path.join(FIXTURES, 'detect-flyway')).packages;
    expect(setup?.migrations.map((migration) => [migration.id, migration.hasDown])).toEqual([
      ['1', false],
      ['1.1', false],
      ['2', true],
      ['R:ledger_view', false],
    ]);
  });

  it('sqlx: the Cargo dependency claims migrations/ (not golang-migrate), engine from its features, files in version order', () => {
    const result = detectSetup(path.join(FIXTURES, 'sources-sqlx'));
    expect(result.ambiguities).toEqual([]);
    const [setup] = result.packages;
    expect(setup?.orms.map((orm) => [orm.name, orm.version])).toEqual([['sqlx', '0.8']]);
    expect(setup?.engine?.name).toBe('postgresql');
    expect(setup?.migrationDirs).toEqual([{ path: 'migrations', tool: 'sqlx', count: 3, format: 'sqlx' }]);
    expect(setup?.migrations.map((migration) => [migration.id, migration.hasDown, migration.transactional])).toEqual([
      ['1', false, true],
      ['2', true, true],
      ['10', true, false],
    ]);
    expect(setup?.conventions[0]?.transaction).toContain('-- no-transaction');
    expect(
      Object.fromEntries(Object.entries(setup?.commands ?? {}).map(([key, value]) => [key, value?.command])),
    ).toEqual({
      create: 'sqlx migrate add -r <name>',
      apply: 'sqlx migrate run',
      rollback: 'sqlx migrate revert',
      status: 'sqlx migrate info',
    });
  });

  it('reports each workspace package on its own in a monorepo', () => {
    const result = detectSetup(path.join(FIXTURES, 'detect-monorepo'));
    expect(result.packages.map((setup) => [setup.path, setup.orms[0]?.name, setup.engine?.name])).toEqual([
      ['packages/api', 'prisma', 'postgresql'],
      ['packages/worker', 'knex', 'mysql'],
    ]);
  });

  it('detects one package of a monorepo through `path`', () => {
    const result = detectSetup(path.join(FIXTURES, 'detect-monorepo'), { path: 'packages/worker' });
    expect(result.packages.map((setup) => setup.orms[0]?.name)).toEqual(['knex']);
    expect(result.warnings[0]).toBe('Detected only packages/worker/ (paths below are relative to it).');
  });
});

describe('detectSetup on generated projects', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    cleanup = undefined;
  });

  it('reads pnpm workspaces, Pipfile and requirements-dev.txt, and skips node_modules and build output', () => {
    const project = tempProject({
      'package.json': '{"name":"root","private":true}',
      'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n  - "!apps/legacy"\n',
      'apps/web/package.json': '{"name":"web","dependencies":{"drizzle-orm":"0.30.0"}}',
      'apps/web/drizzle.config.ts': "export default { dialect: 'postgresql', out: './migrations' };",
      'apps/web/migrations/0000_init.sql': 'CREATE TABLE a (id int);',
      'apps/legacy/package.json': '{"name":"legacy","dependencies":{"sequelize":"5.0.0"}}',
      'apps/web/node_modules/prisma/package.json': '{"name":"prisma"}',
      'apps/web/node_modules/prisma/schema.prisma': 'datasource db { provider = "mysql" }',
      'apps/web/dist/knexfile.js': "module.exports = { client: 'mysql' };",
      'py/Pipfile': '[packages]\nSQLAlchemy = "==2.0.29"\n\n[dev-packages]\nalembic = "*"\n',
      'py/requirements-dev.txt': 'asyncpg>=0.29  # driver\n-r requirements.txt\n',
    });
    cleanup = project.cleanup;
    const result = detectSetup(project.dir);
    expect(
      result.packages.map((setup) => ({
        path: setup.path,
        orms: setup.orms.map((orm) => `${orm.name}@${orm.version}`),
        engine: setup.engine?.name,
      })),
    ).toEqual([
      { path: 'apps/web', orms: ['drizzle@0.30.0'], engine: 'postgresql' },
      { path: 'py', orms: ['alembic@*', 'sqlalchemy@==2.0.29'], engine: 'postgresql' },
    ]);
    expect(result.packages[0]?.migrations.map((migration) => migration.path)).toEqual([
      'apps/web/migrations/0000_init.sql',
    ]);
    expect(result.ambiguities).toEqual([]);
  });

  it('with no root package.json, each outermost folder with one is a package (immich: server/, web/)', () => {
    const project = tempProject({
      'server/package.json': '{"name":"immich","dependencies":{"kysely":"^0.28.0","pg":"^8.11.3"}}',
      'server/src/schema/migrations/1744910873969-Init.ts':
        "import { Kysely, sql } from 'kysely';\nexport async function up(db: Kysely<any>) { await sql`SELECT 1`.execute(db); }\n",
      'server/test/fixtures/package.json': '{"name":"fixture"}',
      'web/package.json': '{"name":"web","dependencies":{"svelte":"5.0.0"}}',
    });
    cleanup = project.cleanup;
    const result = detectSetup(project.dir);
    expect(
      result.packages.map((setup) => ({
        path: setup.path,
        orms: setup.orms.map((orm) => orm.name),
        engine: setup.engine?.name,
        migrationDirs: setup.migrationDirs.map((dir) => dir.path),
      })),
    ).toEqual([
      { path: 'server', orms: ['kysely'], engine: 'postgresql', migrationDirs: ['server/src/schema/migrations'] },
    ]);
  });

  it('stops at maxFiles and says so', () => {
    const files: Record<string, string> = { 'package.json': '{"name":"big"}' };
    for (let index = 0; index < 20; index++) files[`src/file${index}.ts`] = '';
    const project = tempProject(files);
    cleanup = project.cleanup;
    const result = detectSetup(project.dir, { maxFiles: 5 });
    expect(result.stats).toMatchObject({ files: 5, capped: true });
    expect(result.warnings).toContain('Stopped after 5 files (maxFiles); the rest of the tree was not read.');
  });

  it('warns about a migrations folder in no known format instead of guessing', () => {
    const project = tempProject({ 'migrations/001_users.cql': 'CREATE TABLE users (id int PRIMARY KEY);' });
    cleanup = project.cleanup;
    const result = detectSetup(project.dir);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /^migrations: looks like a migration folder, but its files match none of the formats tried \(Prisma, .*plain \.sql folders\)\.$/,
    );
    expect(result.packages).toHaveLength(1);
    expect(result.packages[0]?.orms).toEqual([]);
    expect(result.packages[0]?.unknownMigrationDirs).toEqual(['migrations']);
  });

  it('skips a symlink loop inside the tree with a warning and still detects', () => {
    const project = tempProject({ 'package.json': '{"name":"loop","dependencies":{"knex":"3.0.0"}}', 'src/a.ts': '' });
    cleanup = project.cleanup;
    symlinkSync(project.dir, path.join(project.dir, 'src', 'back-to-root'));
    symlinkSync('self', path.join(project.dir, 'self'));
    const result = detectSetup(project.dir);
    expect(result.packages[0]?.orms.map((orm) => orm.name)).toEqual(['knex']);
    expect(result.warnings).toEqual([
      'self: symlink loop (the link resolves to itself), skipped.',
      'src/back-to-root: symlink loop (points back to .), skipped.',
    ]);
  });

  it('does not follow a symlink out of the root', () => {
    const outside = tempProject({ 'schema.prisma': 'datasource db { provider = "postgresql" }' });
    const project = tempProject({ 'package.json': '{"name":"inside"}' });
    cleanup = () => {
      project.cleanup();
      outside.cleanup();
    };
    symlinkSync(outside.dir, path.join(project.dir, 'external'));
    const result = detectSetup(project.dir);
    expect(result.packages[0]?.schemaFiles).toEqual([]);
    expect(result.warnings[0]).toMatch(/^external: symlink to .* leaves the project root, not followed\.$/);
  });
});

describe('detectSetup on bad input', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    cleanup = undefined;
  });

  it('a root that does not exist', () => {
    const error = thrown(() => detectSetup('/nonexistent/project/xyz'));
    expect(error.code).toBe('root-not-found');
    expect(error.message).toContain('/nonexistent/project/xyz does not exist');
    expect(error.fix).toMatch(/existing project folder/);
  });

  it('a file instead of a folder', () => {
    const error = thrown(() => detectSetup(path.join(FIXTURES, 'detect-knex', 'knexfile.js')));
    expect(error.code).toBe('root-not-directory');
    expect(error.fix).toContain(path.join(FIXTURES, 'detect-knex'));
  });

  it('a path outside the root', () => {
    const error = thrown(() => detectSetup(path.join(FIXTURES, 'detect-knex'), { path: '../detect-prisma' }));
    expect(error.code).toBe('outside-root');
    expect(error.what).toContain('is outside the project root');
  });

  it('a malformed package.json names file:line:col', () => {
    const project = tempProject({ 'package.json': '{\n  "name": "broken",\n  "dependencies": { "knex": "3" },\n}\n' });
    cleanup = project.cleanup;
    const error = thrown(() => detectSetup(project.dir));
    expect(error.code).toBe('malformed-json');
    expect(error.where).toEqual({ file: 'package.json', line: 4, column: 1 });
    expect(error.message).toMatch(/^package\.json:4:1: package\.json is not valid JSON/);
  });

  it('a malformed workspace package.json names its own path', () => {
    const project = tempProject({
      'package.json': '{"workspaces":["packages/*"]}',
      'packages/a/package.json': '{"name": "a" "version": "1.0.0"}',
    });
    cleanup = project.cleanup;
    const error = thrown(() => detectSetup(project.dir));
    expect(error.where).toEqual({ file: 'packages/a/package.json', line: 1, column: 14 });
  });

  it('a malformed pyproject.toml names file:line:col', () => {
    const project = tempProject({ 'pyproject.toml': '[project]\nname = "svc"\ndependencies = [\n  "alembic",\n' });
    cleanup = project.cleanup;
    const error = thrown(() => detectSetup(project.dir));
    expect(error.code).toBe('malformed-toml');
    expect(error.where?.file).toBe('pyproject.toml');
    expect(error.where?.line).toBeGreaterThanOrEqual(3);
    expect(error.where?.column).toBeGreaterThanOrEqual(1);
  });

  it('a project root that is a symlink loop', () => {
    const project = tempProject({});
    cleanup = project.cleanup;
    const loop = path.join(project.dir, 'loop');
    symlinkSync(loop, loop);
    const error = thrown(() => detectSetup(loop));
    expect(error.code).toBe('symlink-loop');
    expect(error.fix).toMatch(/real project folder/);
  });
});

describe('TypeORM migration folders', () => {
  it('resolves `__dirname + …` against the DataSource file and falls back when the configured folder is build output', () => {
    const project = tempProject({
      'package.json': '{"name":"t","dependencies":{"typeorm":"0.3.20"}}',
      'src/db/data-source.ts':
        "export default new DataSource({ type: 'postgres', migrations: [__dirname + '/migrations/*.{ts,js}'] });",
      'src/db/migrations/1700000000000-Init.ts': 'export class Init1700000000000 { async up() { await 1; } }',
      'other/ormconfig.json': '{ "type": "postgres", "migrations": ["dist/migrations/*.js"] }',
      'other/package.json': '{"name":"o","dependencies":{"typeorm":"0.3.20"}}',
      'other/pyproject.toml': '[project]\nname = "o"\n',
      'other/src/migrations/1700000000001-Other.ts': 'export class Other { async down() { await 1; } }',
    });
    try {
      const result = detectSetup(project.dir);
      expect(result.packages.map((setup) => [setup.path, setup.migrationDirs.map((dir) => dir.path)])).toEqual([
        ['.', ['src/db/migrations']],
        ['other', ['other/src/migrations']],
      ]);
      expect(result.packages[0]?.migrations[0]).toMatchObject({ id: '1700000000000-Init', hasDown: false });
      expect(result.packages[1]?.migrations[0]).toMatchObject({ id: '1700000000001-Other', hasDown: true });
    } finally {
      project.cleanup();
    }
  });

  it('reads `migrations` globs behind a template prefix, in an array or a conditional between arrays (twenty)', () => {
    const glob = (folder: string) => `\`\${isJest ? '' : 'dist/'}src/${folder}/*{.ts,.js}\``;
    const project = tempProject({
      'package.json': '{"name":"t","dependencies":{"typeorm":"0.3.20"}}',
      'src/metadata/metadata.datasource.ts': `export const options = { type: 'postgres', migrations: [${glob('metadata/migrations')}] };`,
      'src/core/core.datasource.ts': `export const options = {\n  migrationsRun: false,\n  migrations:\n    process.env.BILLING === 'true'\n      ? [${glob('core/common')}, ${glob('core/billing')}]\n      : [${glob('core/common')}],\n};`,
      'src/metadata/migrations/1700000000000-Meta.ts': 'export class Meta1700000000000 { async up() { await 1; } }',
      'src/core/common/1700000000001-Init.ts': 'export class Init1700000000001 { async up() { await 1; } }',
      'src/core/billing/1700000000002-Billing.ts': 'export class Billing1700000000002 { async up() { await 1; } }',
    });
    try {
      const result = detectSetup(project.dir);
      // One DataSource's folders are one sequence: TypeORM runs them in timestamp order.
      expect(result.packages[0]?.migrationDirs.map((dir) => [dir.path, dir.count, dir.alongside])).toEqual([
        ['src/core/common', 2, ['src/core/billing']],
        ['src/metadata/migrations', 1, undefined],
      ]);
    } finally {
      project.cleanup();
    }
  });
});
