import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/sources/index.js';
import { runCli } from '../helpers/cli.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

/**
 * Issue 15: a project shaped like uptime-kuma — knex migrations with no knexfile, and a package.json that depends
 * on mysql2, pg and a sqlite3 fork (the engine is chosen at run time) — is not checked as PostgreSQL by default:
 * the refusal names each engine and the file that names it, and the caller's engine settles it.
 */
const ROOT = path.join(import.meta.dirname, '../fixtures/trust-ambiguous-engine');
const CONFLICT =
  'sqlite (package.json: driver @louislam/sqlite3 15.1.6 in dependencies); mysql (package.json: driver mysql2 ~3.11.5 in dependencies); postgresql (package.json: driver pg ~8.11.6 in dependencies)';
const FILES = [
  'db/knex_migrations/2023-08-16-0000-create-uptime.js',
  'db/knex_migrations/2023-10-08-0000-mqtt-query.js',
];

describe('a project whose files name several engines', () => {
  it('check refuses to guess, naming every engine with its evidence and the files left unchecked', async () => {
    const { code, out, err } = await runCli(['check', '--execute', '--format', 'json'], { cwd: ROOT });
    expect(out).toBe('');
    expect(code).not.toBe(0);
    expect(err).toContain(`package.json: This project names more than one database engine — ${CONFLICT} — so`);
    expect(err).toContain(`Not checked: 2 file(s): ${FILES.join(', ')}.`);
    expect(err).toContain(
      'fix: Say which engine these migrations run on: MCP "engine" (CLI --engine) postgresql, mysql, mariadb or sqlite.',
    );
  }, 60_000);

  it('reading the migrations says which dialect knex recorded in when nothing names one', async () => {
    const result = await readMigrations(ROOT, { executeProjectCode: true });
    expect(result.notes).toEqual([
      "No knexfile client and no engine given: the SQL was recorded in knex's PostgreSQL dialect. Pass the engine (MCP engine, CLI --engine) to record another.",
    ]);
    expect(result.migrations[1]?.up.map((statement) => statement.sql)).toEqual([
      `alter table "stat_minutely" add column "mqtt_check_type" varchar(255) not null default 'keyword'`,
    ]);
  }, 60_000);

  it('--engine postgresql settles it: both migrations are checked', async () => {
    const { out } = await runCli(['check', '--execute', '--engine', 'postgresql', '--format', 'json'], { cwd: ROOT });
    const result = JSON.parse(out) as { files: Array<{ file: string }>; errors: Array<{ code: string }> };
    expect(result.files.map((file) => file.file)).toEqual(FILES);
    expect(result.errors).toEqual([]);
  }, 60_000);

  it('validate_safety answers isError with the same evidence, and checks with engine "postgresql"', async () => {
    const connection = await connectInMemory(ROOT);
    try {
      const refused = await callTool(connection.client, 'validate_safety', { executeProjectCode: true });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain(CONFLICT);
      const checked = await callTool(connection.client, 'validate_safety', {
        executeProjectCode: true,
        engine: 'postgresql',
      });
      expect(checked.isError).toBeFalsy();
      const files = (checked.structuredContent as { files: Array<{ file: string }> }).files;
      expect(files.map((file) => file.file)).toEqual(FILES);
    } finally {
      await connection.close();
    }
  }, 90_000);

  it('rehearse_migration and migration_plan do not pick PostgreSQL either; engine settles it', async () => {
    const connection = await connectInMemory(ROOT);
    try {
      const sql = 'CREATE TABLE heartbeat_note (id integer PRIMARY KEY, note text);';
      for (const [tool, args] of [
        ['rehearse_migration', { migration: sql }],
        ['migration_plan', { sql }],
      ] as const) {
        const refused = await callTool(connection.client, tool, args);
        expect(refused.isError, tool).toBe(true);
        expect(textOf(refused), tool).toContain(`names more than one database engine — ${CONFLICT} — so the engine`);
        expect(textOf(refused), tool).toContain('Say which engine');
        const settled = await callTool(connection.client, tool, { ...args, engine: 'postgresql' });
        expect(settled.isError, textOf(settled)).toBeFalsy();
      }
    } finally {
      await connection.close();
    }
  }, 180_000);
});
