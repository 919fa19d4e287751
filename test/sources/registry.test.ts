import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATION_FORMATS } from '../../src/model.js';
import { detectSetup } from '../../src/project/detect.js';
import { TOOL_NAMES } from '../../src/project/types.js';
import { prepareRehearsal } from '../../src/shadow/request.js';
import { readMigrations, readProjectMigrations } from '../../src/sources/index.js';
import { FORMAT_MODULES, FORMAT_READERS } from '../../src/sources/registry.js';
import { isReader } from '../../src/sources/types.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

const FIXTURES = path.resolve('test/fixtures');
const BIN = path.resolve('dist/bundle/bin.js');

/** Every fixture project a format module must agree on: detect's and the readers' fixtures, real-project regressions. */
const AGREEMENT_FIXTURES = readdirSync(FIXTURES).filter((name) => /^(detect|sources|formats|wiring)-/.test(name));

/** ORMs detect_setup recognises that have no migrations of their own. */
const ORM_ONLY = new Set(['mongoose', 'sqlalchemy']);

describe('the format registry', () => {
  it('has one module per migration tool, each with a scan; every read format has a reader module', () => {
    const tools = FORMAT_MODULES.map((module) => module.tool);
    expect(new Set(tools).size).toBe(tools.length);
    expect([...tools].sort()).toEqual(TOOL_NAMES.filter((tool) => !ORM_ONLY.has(tool)).sort());
    for (const module of FORMAT_MODULES) expect(typeof module.scan, module.tool).toBe('function');
    const formats = FORMAT_READERS.map((reader) => reader.format);
    expect([...formats].sort()).toEqual([...MIGRATION_FORMATS].sort());
    for (const reader of FORMAT_READERS) expect(typeof reader.read, reader.format).toBe('function');
  });

  it('scans in a fixed priority order (no two modules share one)', () => {
    const priorities = FORMAT_MODULES.map((module) => module.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
  });

  it('keeps scan-only modules explicit: aerich is detected, not read', () => {
    expect(FORMAT_MODULES.filter((module) => !isReader(module)).map((module) => module.tool)).toEqual(['tortoise']);
  });
});

describe('detect and read agree on every fixture', () => {
  it.each(AGREEMENT_FIXTURES)('%s', async (name) => {
    const root = path.join(FIXTURES, name);
    const detected = detectSetup(root);
    const dirs = detected.packages.flatMap((setup) =>
      setup.migrationDirs.map((dir) => ({ package: setup.path, ...dir })),
    );
    if (dirs.length === 0 && !detected.packages.some((setup) => setup.unknownMigrationDirs?.length)) {
      await expect(readProjectMigrations(root)).rejects.toMatchObject({ code: 'migrations-not-found' });
      return;
    }
    const read = await readProjectMigrations(root);
    // Every folder detect lists is read in its format, or reported as not read; nothing else is read.
    const readable = dirs.filter((dir) => dir.format);
    for (const dir of readable) {
      // Django's apps are read together, from their package folder.
      const folder = read.folders.find(
        (each) =>
          each.package === dir.package &&
          each.format === dir.format &&
          (each.directory === dir.path || (dir.format === 'django' && each.directory === dir.package)),
      );
      expect(folder, `${dir.path} (${dir.format})`).toBeDefined();
    }
    for (const folder of read.folders) {
      const inFolder = (dir: string) =>
        folder.directory === '.' || dir === folder.directory || dir.startsWith(`${folder.directory}/`);
      const listed = readable.filter(
        (dir) => dir.package === folder.package && dir.format === folder.format && inFolder(dir.path),
      );
      expect(listed.length, `${folder.directory} is a folder detect lists`).toBeGreaterThan(0);
      // Same migrations, none dropped: every entry detect listed was read (or reported with a reason).
      expect(folder.migrations.length, folder.directory).toBe(listed.reduce((sum, dir) => sum + dir.count, 0));
      expect(folder.errors.filter((error) => error.error.code === 'migration-not-read')).toEqual([]);
    }
    expect(read.unread.map((folder) => folder.directory).sort()).toEqual(
      [
        ...dirs.filter((dir) => !dir.format).map((dir) => dir.path),
        ...detected.packages.flatMap((setup) => setup.unknownMigrationDirs ?? []),
      ].sort(),
    );
  });
});

describe('a monorepo: every package read in its own format', () => {
  const root = path.join(FIXTURES, 'formats-monorepo');

  it('reads Prisma in a workspace package as Prisma, in folder order, and Drizzle in another', async () => {
    const { folders, unread } = await readProjectMigrations(root);
    expect(unread).toEqual([]);
    expect(folders.map((folder) => [folder.package, folder.format, folder.directory, folder.engine])).toEqual([
      ['packages/db', 'drizzle', 'packages/db/drizzle', 'postgresql'],
      ['packages/prisma', 'prisma', 'packages/prisma/migrations', 'postgresql'],
    ]);
    expect(folders[1]?.migrations.map((migration) => [migration.id, migration.format])).toEqual([
      ['20240101000000', 'prisma'],
      ['20240105000000', 'prisma'],
      ['20240110000000', 'prisma'],
    ]);
  });

  it('narrows to one package, one folder or one migration with path', async () => {
    const pkg = await readMigrations(root, { path: 'packages/prisma' });
    expect([pkg.format, pkg.migrations.length]).toEqual(['prisma', 3]);
    const one = await readMigrations(root, { path: 'packages/prisma/migrations/20240105000000_add_team' });
    expect(one.migrations.map((migration) => migration.path)).toEqual([
      'packages/prisma/migrations/20240105000000_add_team/migration.sql',
    ]);
    await expect(readMigrations(root)).rejects.toMatchObject({ code: 'several-migration-folders' });
  });

  it.skipIf(!existsSync(BIN))('migrations and check from the root (built CLI) report every package', () => {
    const listing = spawnSync(process.execPath, [BIN, 'migrations'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(listing.status).toBe(0);
    expect(listing.stdout).toContain('package packages/prisma: 3 prisma migration(s) in packages/prisma/migrations');
    expect(listing.stdout).toContain('package packages/db: 2 drizzle migration(s) in packages/db/drizzle');
    const json = spawnSync(process.execPath, [BIN, 'migrations', '--json'], { cwd: root, encoding: 'utf8' });
    const parsed = JSON.parse(json.stdout) as { folders: { package: string; format: string }[] };
    expect(parsed.folders.map((folder) => `${folder.package}:${folder.format}`)).toEqual([
      'packages/db:drizzle',
      'packages/prisma:prisma',
    ]);
    const check = spawnSync(process.execPath, [BIN, 'check', '--format', 'json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const report = JSON.parse(check.stdout) as { files: { file: string }[]; errors: unknown[] };
    expect(report.errors).toEqual([]);
    expect(report.files.map((file) => file.file)).toEqual([
      'packages/db/drizzle/0000_first_monitor.sql',
      'packages/db/drizzle/0001_monitor_active.sql',
      'packages/prisma/migrations/20240101000000_init/migration.sql',
      'packages/prisma/migrations/20240105000000_add_team/migration.sql',
      'packages/prisma/migrations/20240110000000_team_index/migration.sql',
    ]);
  });
});

describe('knex without a knexfile (the dependency alone, like Wiki.js)', () => {
  it('finds the folders of knex migrations by their code, and asks which one is live', async () => {
    const root = path.join(FIXTURES, 'formats-knex-no-knexfile');
    const detected = detectSetup(root);
    expect(detected.packages[0]?.migrationDirs).toEqual([
      { path: 'server/db/migrations', tool: 'knex', count: 2, format: 'knex' },
      { path: 'server/db/migrations-sqlite', tool: 'knex', count: 1, format: 'knex' },
    ]);
    expect(detected.ambiguities.join('\n')).toContain('several knex migration folders');
    const { folders } = await readProjectMigrations(root);
    expect(folders.map((folder) => [folder.directory, folder.migrations.map((migration) => migration.path)])).toEqual([
      ['server/db/migrations', ['server/db/migrations/2.0.0.js', 'server/db/migrations/2.1.0.js']],
      ['server/db/migrations-sqlite', ['server/db/migrations-sqlite/2.0.0.js']],
    ]);
  });
});

describe('rehearse with no migration uses what detect finds', () => {
  it('takes the newest migration of the only folder, with the earlier ones as its baseline', async () => {
    const prepared = await prepareRehearsal({ projectRoot: path.join(FIXTURES, 'formats-supabase'), migration: '.' });
    expect(prepared.options.migration.path).toBe('supabase/migrations/20230601120000_customers.sql');
    expect(prepared.options.baseline).toMatchObject({ kind: 'migrations' });
    const baseline = prepared.options.baseline as { migrations: { path: string }[] };
    expect(baseline.migrations.map((migration) => migration.path)).toEqual([
      'supabase/migrations/20230530034630_init.sql',
    ]);
  });

  it('in a monorepo, a package migration is rehearsed on its own package history; no path names the choices', async () => {
    const root = path.join(FIXTURES, 'formats-monorepo');
    const prepared = await prepareRehearsal({
      projectRoot: root,
      migration: 'packages/prisma/migrations/20240110000000_team_index/migration.sql',
    });
    const baseline = prepared.options.baseline as { migrations: { path: string; format: string }[] };
    expect(baseline.migrations.map((migration) => `${migration.format}:${migration.path}`)).toEqual([
      'prisma:packages/prisma/migrations/20240101000000_init/migration.sql',
      'prisma:packages/prisma/migrations/20240105000000_add_team/migration.sql',
    ]);
    await expect(prepareRehearsal({ projectRoot: root, migration: '.' })).rejects.toMatchObject({
      code: 'several-migration-folders',
      fix: expect.stringContaining('packages/prisma/migrations/20240110000000_team_index'),
    });
  });
});

describe('the MCP tools with no path use what detect_setup finds, per package', () => {
  it('list_migrations and validate_safety read both packages of the monorepo', async () => {
    const session = await connectInMemory(path.join(FIXTURES, 'formats-monorepo'));
    try {
      const listed = await callTool(session.client, 'list_migrations', {});
      expect(listed.isError).toBeFalsy();
      const structured = listed.structuredContent as {
        format?: string;
        folders: { package: string; format: string; migrations: number }[];
        migrations: { path: string; format: string }[];
        unread: unknown[];
      };
      expect(structured.format).toBeUndefined();
      expect(structured.folders.map((folder) => [folder.package, folder.format, folder.migrations])).toEqual([
        ['packages/db', 'drizzle', 2],
        ['packages/prisma', 'prisma', 3],
      ]);
      expect(structured.migrations.map((migration) => migration.format)).toEqual([
        'drizzle',
        'drizzle',
        'prisma',
        'prisma',
        'prisma',
      ]);
      expect(structured.unread).toEqual([]);
      expect(textOf(listed)).toContain('package packages/prisma: 3 prisma migration(s)');

      const checked = await callTool(session.client, 'validate_safety', {});
      expect(checked.isError).toBeFalsy();
      const report = checked.structuredContent as { files: { file: string }[] };
      expect(report.files.map((file) => file.file)).toHaveLength(5);
    } finally {
      await session.close();
    }
  });
});

describe('folders that cannot be read are errors, never skipped', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  function project(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'dma-formats-'));
    made.push(dir);
    for (const [relative, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
      writeFileSync(path.join(dir, relative), text);
    }
    return dir;
  }

  it('a migration folder in no known format names the formats tried', async () => {
    const root = project({ 'migrations/001_users.cql': 'CREATE TABLE users (id int PRIMARY KEY);' });
    const { folders, unread } = await readProjectMigrations(root);
    expect(folders).toEqual([]);
    expect(unread).toHaveLength(1);
    expect(unread[0]).toMatchObject({ directory: 'migrations', code: 'unknown-migration-format' });
    expect(unread[0]?.what).toMatch(/match none of the formats tried: Prisma, Drizzle, knex, .*plain \.sql folders/);
    await expect(readMigrations(root)).rejects.toMatchObject({ code: 'unknown-migration-format' });
  });

  it.skipIf(!existsSync(BIN))('CLI migrations and check exit non-zero on it, with the formats tried', () => {
    const root = project({ 'db/migrations/20240101_users.cql': 'CREATE TABLE users (id int PRIMARY KEY);' });
    const listing = spawnSync(process.execPath, [BIN, 'migrations'], { cwd: root, encoding: 'utf8' });
    expect(listing.status).toBe(1);
    expect(listing.stdout).toContain('db/migrations looks like a migration folder, but its files match none of');
    const check = spawnSync(process.execPath, [BIN, 'check'], { cwd: root, encoding: 'utf8' });
    expect(check.status).toBe(2);
    expect(check.stdout + check.stderr).toContain('formats tried');
  });

  it('a scan-only tool is reported as not read, with its count', async () => {
    const { folders, unread } = await readProjectMigrations(path.join(FIXTURES, 'detect-tortoise'));
    expect(folders).toEqual([]);
    expect(unread).toEqual([
      expect.objectContaining({ directory: 'migrations/models', tool: 'tortoise', count: 2, code: 'format-not-read' }),
    ]);
  });

  it('a capped walk is said, not hidden: folders past the cap were not seen', async () => {
    const { folders, warnings } = await readProjectMigrations(path.join(FIXTURES, 'formats-monorepo'), { maxFiles: 6 });
    expect(warnings).toEqual(['Stopped after 6 files (maxFiles); the rest of the tree was not read.']);
    expect(folders.length).toBeLessThan(2);
  });

  it('nothing at all: the error names the formats tried', async () => {
    const root = project({ 'src/index.ts': 'export {};\n' });
    await expect(readProjectMigrations(root)).rejects.toMatchObject({
      code: 'migrations-not-found',
      what: expect.stringContaining('formats tried (Prisma, Drizzle, knex'),
    });
  });
});
