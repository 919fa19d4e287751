import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseBaselineCache } from '../../src/shadow/baseline-cache.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { connectInMemory, textOf } from '../helpers/mcp.js';
import { expectTemplateFilled, mermaidBlocks, section } from '../plan/migration-plan-expect.js';

/**
 * The seven-step workflow as an agent runs it, through the MCP protocol, on a temporary copy of one fixture project
 * per migration format: detect_setup → diff_schema (where the project keeps a schema file) → generate_migration
 * (writes the files) → validate_safety and rehearse_migration on the written file → rollback_plan (the rollback
 * proven) → generate_seed for the new table (rows proven in the shadow) → migration_plan (the seed's template, with
 * its gantt chart). Every step reads what the step before it wrote, as an agent would.
 */

const FIXTURES = path.join(import.meta.dirname, '../fixtures');
const EXAMPLES = path.join(import.meta.dirname, '../../examples');
const TEMP = path.join(import.meta.dirname, '../../.test-tmp');
const REPO = path.join(import.meta.dirname, '../..');
const BIN = path.join(REPO, 'dist', 'bundle', 'bin.js');
const [postgres, mysql] = await Promise.all([postgresAvailable(), mysqlAvailable()]);

/** Rehearsals on a loaded 2-core machine outlast the SDK's one-minute default request timeout. */
const LONG = { timeout: 240_000 };

afterAll(async () => {
  await Promise.all([releaseBaselineCache(), releaseWarmPglite()]);
});

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, LONG)) as CallToolResult;
}

/** Calls a tool that must succeed and returns its structured result. */
// biome-ignore lint/suspicious/noExplicitAny: each tool's output schema is checked by the SDK client already
async function ok(client: Client, name: string, args: Record<string, unknown>): Promise<any> {
  const result = await call(client, name, args);
  expect(result.isError, `${name}: ${textOf(result)}`).toBeFalsy();
  return result.structuredContent;
}

/** A new table every project gets: a foreign key to the fixture's users, a bounded text, a CHECKed status. */
function tagsTable(generated: 'identity' | 'auto_increment' | undefined) {
  return {
    op: 'create_table',
    table: 'tags',
    columns: [
      { name: 'id', type: 'integer', primaryKey: true, ...(generated ? { generated } : {}) },
      { name: 'user_id', type: 'integer', nullable: false, references: { table: 'users' } },
      { name: 'label', type: 'varchar(40)', nullable: false },
      {
        name: 'status',
        type: 'varchar(10)',
        nullable: false,
        default: "'active'",
        check: "status in ('active', 'hidden')",
      },
    ],
  };
}

interface Project {
  /** Fixture folder (copied to a temporary folder first). */
  source: string;
  /** What detect_setup must find: the migration tool and the engine. */
  tool: string;
  engine: 'postgresql' | 'mysql' | 'sqlite';
  /** False where nothing in the project names the engine (plain SQL folders): the tools default to PostgreSQL. */
  engineDetected?: boolean;
  /** Project files generate_migration must edit beside the migration (journal, schema). */
  edits?: string[];
  /** False for Prisma and Drizzle, which write no down migrations. */
  keepsDowns?: boolean;
  /** Explicit changes, or a from/to diff for generate_migration. */
  generate: Record<string, unknown>;
  /** The diff_schema call, where the project keeps a schema file. */
  diff?: { from: string; to: string; expect: RegExp };
  /** The written migration file, relative to the project root. */
  file: RegExp;
  newTable: string;
  /** Arguments every shadow-using tool gets (shadowUrl, executeProjectCode…). */
  shadow: Record<string, unknown>;
  rollbackCommand: RegExp;
  /** The seed format generate_seed picks from the project. */
  seedFormat: string;
}

/** The SDK client over InMemoryTransport, or over stdio against the built server started in the project. */
type Transport = 'in-memory' | 'stdio';

async function connect(root: string, transport: Transport): Promise<{ client: Client; close(): Promise<void> }> {
  if (transport === 'in-memory') return connectInMemory(root);
  const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: root, stderr: 'pipe' }),
  );
  return { client, close: () => client.close() };
}

async function runWorkflow(project: Project, transport: Transport = 'in-memory'): Promise<void> {
  // Under the worktree (git-ignored), so the project's code migrations resolve this repository's node_modules.
  await mkdir(TEMP, { recursive: true });
  const root = await mkdtemp(path.join(TEMP, 'e2e-'));
  await cp(project.source, root, { recursive: true });
  const connection = await connect(root, transport);
  const { client } = connection;
  try {
    // 1. detect_setup: the tool and the engine the rest of the chain defaults to.
    const setup = await ok(client, 'detect_setup', { projectRoot: root });
    const found = JSON.stringify(setup);
    expect(found).toContain(`"${project.tool}"`);
    if (project.engineDetected !== false) expect(found).toContain(project.engine);

    // 2. diff_schema: what the schema file has that the migrations do not.
    if (project.diff) {
      const diff = await ok(client, 'diff_schema', {
        projectRoot: root,
        from: project.diff.from,
        to: project.diff.to,
        ...project.shadow,
      });
      expect(diff.totalOperations).toBeGreaterThan(0);
      expect(diff.operations.map((operation: { object: string }) => operation.object).join('\n')).toMatch(
        project.diff.expect,
      );
    }

    // 3. generate_migration: written into the project's folder, with its naming, validated and rehearsed.
    const generated = await ok(client, 'generate_migration', {
      projectRoot: root,
      ...project.generate,
      ...project.shadow,
    });
    expect(generated.written, generated.notWrittenBecause).toBe(true);
    expect(generated.rehearsal.map((each: { outcome: string }) => each.outcome)).not.toContain('failed');
    const migrationFiles = generated.files.filter((file: { edit: boolean }) => !file.edit);
    const migration = migrationFiles
      .map((file: { path: string }) => file.path)
      .find((file: string) => project.file.test(file));
    expect(migration, JSON.stringify(generated.files.map((file: { path: string }) => file.path))).toBeDefined();
    for (const file of generated.files) expect(existsSync(path.join(root, file.path)), file.path).toBe(true);
    for (const edited of project.edits ?? [])
      expect(
        generated.files.filter((file: { edit: boolean }) => file.edit).map((file: { path: string }) => file.path),
      ).toContain(edited);

    // 4. validate_safety on the written file, with the rules of the project's engine.
    const safety = await call(client, 'validate_safety', {
      projectRoot: root,
      paths: [migration],
      ...consent(project),
    });
    expect(safety.isError, textOf(safety)).toBeFalsy();
    expect((safety.structuredContent as { engine: string }).engine).toBe(project.engine);
    // A new table touches nothing running code uses: style warnings at most, no error.
    expect(textOf(safety)).toMatch(/Risk: (LOW|MEDIUM)\*\* — 0 error\(s\)/);

    // 5. rehearse_migration on the written file: up → down → up on the shadow.
    const rehearsal = await ok(client, 'rehearse_migration', { projectRoot: root, migration, ...project.shadow });
    expect(rehearsal.outcome, JSON.stringify(rehearsal.failure)).toBe('passed');
    // Drizzle keeps no downs: the round trip waits for rollback_plan's derived down.
    if (project.keepsDowns === false) expect(rehearsal.roundTrip.status).toBe('skipped');
    else expect(rehearsal.roundTrip.status).toBe('passed');

    // 6. rollback_plan: a new table is fully reversible, and the round trip proves it.
    const rollback = await ok(client, 'rollback_plan', { projectRoot: root, migration, ...project.shadow });
    expect(['reversible', 'reversible-with-data-loss']).toContain(rollback.grade);
    expect(rollback.down.source).toBe(project.keepsDowns === false ? 'derived' : 'project');
    expect(rollback.down.statements.join('\n')).toMatch(new RegExp(`DROP TABLE [^;]*${project.newTable}`, 'i'));
    expect(rollback.proof.status, JSON.stringify(rollback.proof)).toBe('passed');
    expect(`${rollback.command.command ?? ''}\n${rollback.command.notes.join('\n')}`).toMatch(project.rollbackCommand);

    // 7. generate_seed for the new table: rows inserted in the shadow, the parents first, the same rows for one seed.
    const seedArgs = { projectRoot: root, tables: [project.newTable], rows: 5, seed: 7, ...project.shadow };
    const seed = await ok(client, 'generate_seed', seedArgs);
    expect(seed.format).toBe(project.seedFormat);
    const seeded = seed.tables.find((table: { name: string }) => table.name === project.newTable);
    expect(seeded.rows).toBe(5);
    expect(seed.provenRows).toBeGreaterThanOrEqual(5);
    // Foreign keys point at rows seeded first: the referenced tables come before the new one.
    expect(seed.tables.at(-1).name).toBe(project.newTable);
    for (const parent of seed.tables.slice(0, -1)) expect(parent.reason).toBe('parent');
    expect(seed.tables.length).toBeGreaterThan(1);
    expect(seed.files.length).toBeGreaterThan(0);
    // The same seed value gives the same rows; written on request, into the project, as returned.
    const again = await ok(client, 'generate_seed', { ...seedArgs, write: true });
    expect(again.written).toBe(true);
    expect(again.tables.map((table: { sample: unknown }) => table.sample)).toEqual(
      seed.tables.map((table: { sample: unknown }) => table.sample),
    );
    for (const file of again.files.filter((each: { edit: boolean }) => !each.edit)) {
      expect(await readFile(path.join(root, file.path), 'utf8')).toBe(file.text);
      expect(file.text).toBe(seed.files.find((each: { path: string }) => each.path === file.path)?.text);
    }

    // 8. migration_plan for the new migration: every section of the template, the lock gantt chart.
    const planResult = await call(client, 'migration_plan', {
      projectRoot: root,
      migrations: [migration],
      ...project.shadow,
    });
    expect(planResult.isError, textOf(planResult)).toBeFalsy();
    const plan = planResult.structuredContent as { markdown: { uri: string }; rehearsals: { outcome: string }[] };
    const read = await client.readResource({ uri: plan.markdown.uri });
    const content = read.contents[0];
    const markdown = content && 'text' in content ? String(content.text) : '';
    expectTemplateFilled(markdown, { tables: [project.newTable], files: [migration] });
    const gantt = mermaidBlocks(markdown).some((block) => block.startsWith('gantt'));
    if (project.engine === 'postgresql') expect(gantt).toBe(true);
    else expect(gantt || /No lock on an existing table was observed/.test(markdown)).toBe(true);
    expect(plan.rehearsals.map((each) => each.outcome)).toEqual(['passed']);
    expect(section(markdown, 'Rollback')).toMatch(project.rollbackCommand);
  } finally {
    await connection.close();
    await rm(root, { recursive: true, force: true });
  }
}

function consent(project: Project): Record<string, unknown> {
  return project.shadow.executeProjectCode ? { executeProjectCode: true } : {};
}

describe('the seven-step workflow through the MCP client', () => {
  it('knex + PostgreSQL, rehearsed on PGlite with the project code run in the sandbox', async () => {
    await runWorkflow({
      source: path.join(FIXTURES, 'sources-knex-pg'),
      tool: 'knex',
      engine: 'postgresql',
      generate: { changes: [tagsTable('identity')], name: 'add_tags_table' },
      file: /^migrations\/\d{14}_add_tags_table\.ts$/,
      newTable: 'tags',
      shadow: { executeProjectCode: true },
      rollbackCommand: /knex migrate:rollback/,
      seedFormat: 'knex',
    });
  }, 600_000);

  it('Prisma + PostgreSQL: schema.prisma diffed against the migrations, the migration generated from the diff', async () => {
    await runWorkflow({
      source: path.join(EXAMPLES, 'blog'),
      tool: 'prisma',
      engine: 'postgresql',
      diff: { from: 'migrations', to: 'prisma:prisma/schema.prisma', expect: /Comment/ },
      generate: { from: 'migrations', to: 'prisma:prisma/schema.prisma', name: 'add_comments' },
      file: /^prisma\/migrations\/\d{14}_add_comments\/migration\.sql$/,
      newTable: 'Comment',
      // Prisma keeps no downs, but the generated migration has a down.sql beside it (prisma migrate never runs it;
      // the rehearsal and rollback_plan do).
      keepsDowns: true,
      shadow: postgres.available ? { shadowUrl: POSTGRES_URL } : {},
      rollbackCommand: /prisma migrate resolve --rolled-back/,
      seedFormat: 'prisma',
    });
  }, 600_000);

  it.skipIf(!mysql.available)(
    'TypeORM + MariaDB, rehearsed on a database of its own on the server',
    async () => {
      const database = uniqueName('dma_e2e');
      const admin = await (await import('mysql2/promise')).createConnection({ uri: MYSQL_URL });
      await admin.query(`create database \`${database}\``);
      try {
        const url = new URL(MYSQL_URL);
        url.pathname = `/${database}`;
        await runWorkflow({
          source: path.join(FIXTURES, 'sources-typeorm-mysql'),
          tool: 'typeorm',
          engine: 'mysql',
          generate: { changes: [tagsTable('auto_increment')], name: 'add_tags_table' },
          file: /^src\/migrations\/\d{13}-\w*[Tt]ags\w*\.ts$/,
          newTable: 'tags',
          shadow: { shadowUrl: url.toString(), executeProjectCode: true },
          rollbackCommand: /migration:revert/,
          seedFormat: 'typeorm',
        });
      } finally {
        await admin.query(`drop database if exists \`${database}\``);
        await admin.end();
      }
    },
    600_000,
  );

  it('Drizzle + SQLite over stdio against the built server, rehearsed on SQLite in memory', async () => {
    // `npm test` builds first; a lone run of this file builds when the bundle is missing.
    if (!existsSync(BIN)) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
    await runWorkflow(
      {
        source: path.join(FIXTURES, 'e2e-drizzle-sqlite'),
        tool: 'drizzle',
        engine: 'sqlite',
        generate: { changes: [tagsTable(undefined)], name: 'add_tags_table' },
        file: /^drizzle\/0001_add_tags_table\.sql$/,
        edits: ['drizzle/meta/_journal.json', 'src/db/schema.ts'],
        keepsDowns: false,
        newTable: 'tags',
        shadow: {},
        rollbackCommand: /drizzle/i,
        seedFormat: 'drizzle',
      },
      'stdio',
    );
  }, 600_000);

  it.skipIf(!postgres.available)(
    'raw SQL + PostgreSQL, rehearsed on the PostgreSQL server named as shadow',
    async () => {
      await runWorkflow({
        source: path.join(FIXTURES, 'plan-sql-pg'),
        tool: 'golang-migrate',
        engine: 'postgresql',
        generate: { changes: [tagsTable('identity')], name: 'add_tags_table' },
        engineDetected: false,
        file: /^migrations\/0004_add_tags_table\.up\.sql$/,
        newTable: 'tags',
        shadow: { shadowUrl: POSTGRES_URL },
        rollbackCommand: /migrate -path migrations/,
        seedFormat: 'sql',
      });
    },
    600_000,
  );
});
