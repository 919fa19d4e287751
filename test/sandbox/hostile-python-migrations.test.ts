import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/sources/index.js';
import { closeEscapeTarget, openEscapeTarget, settledSessions, withSecrets } from '../helpers/server-sessions.js';
import { toolPython } from '../helpers/tool-python.js';
import { fixture } from '../sources/tool-runs.js';

/**
 * Issue 15 §1 for Python: Alembic revisions that attack the machine each get a clear per-file error naming the
 * line, the good ones still give their SQL, nothing is written, and PostgreSQL counts no new connection to the
 * database the attacks target; Django's sqlmigrate reads SQLite settings in memory and is refused a PostgreSQL
 * connection. Needs a Python that imports alembic, Django and psycopg2:
 * TEST_PYTHON=$(bash scripts/python-migration-tools.sh).
 */
const TARGET_DATABASE = 'python_sandbox_escape_target';
const ESCAPED_FILE = '/tmp/db-migration-agent-python-escape.txt';
const SECRETS = {
  DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:5432/python_sandbox_escape_target',
  PGHOST: '127.0.0.1',
  PGUSER: 'postgres',
  PGDATABASE: TARGET_DATABASE,
};

const python = toolPython('alembic.config, django.core.management, psycopg2', 'the Python sandbox tests', true);

/** Every file under a folder (the project copy must hold the same files after the run). */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort();
}

let root = '';
let admin: pg.Client | undefined;
let restoreEnvironment = () => {};

beforeAll(async () => {
  if (!python) return;
  rmSync(ESCAPED_FILE, { force: true });
  root = projectCopy('sandbox-alembic');
  admin = await openEscapeTarget(TARGET_DATABASE);
  restoreEnvironment = withSecrets(SECRETS);
});

afterAll(async () => {
  restoreEnvironment();
  if (root) rmSync(root, { recursive: true, force: true });
  await closeEscapeTarget(admin, TARGET_DATABASE);
});

describe.skipIf(!python)('hostile Alembic revisions in the Python sandbox', () => {
  it('each attack is a per-file error at its line, the good revisions give SQL, nothing is written or connected', async () => {
    const baseline = await settledSessions(admin, TARGET_DATABASE);
    const before = filesUnder(root);
    const result = await readMigrations(root, { executeProjectCode: true, timeoutMs: 15_000 });

    const sql = (file: string) =>
      result.migrations
        .find((migration) => migration.path === `alembic/versions/${file}`)
        ?.up.map((statement) => statement.sql)
        .filter((statement) => !/alembic_version|^(BEGIN|COMMIT)$/.test(statement));
    expect(result.migrations.map((migration) => migration.path)).toEqual([
      'alembic/versions/001_ok.py',
      'alembic/versions/009_ok_after.py',
    ]);
    expect(sql('001_ok.py')).toEqual(['create table first (id serial primary key)']);
    expect(sql('009_ok_after.py')).toEqual(['alter table first add column name varchar(80)']);

    const errors = Object.fromEntries(result.errors.map((error) => [error.path, error.error]));
    const refused = (file: string, what: string, line: number, detail: RegExp) =>
      expect(errors[`alembic/versions/${file}`]).toMatchObject({
        code: 'sandbox-refused',
        what: expect.stringMatching(new RegExp(`^The sandbox refused ${what} while .*${detail.source}`)),
        where: { file: `alembic/versions/${file}`, line },
      });
    refused('002_spawns_process.py', 'starting or signalling a process', 10, /subprocess\.Popen/);
    refused('003_writes_file.py', 'writing files', 9, /open\('\/tmp\/db-migration-agent-python-escape\.txt', 'w'\)/);
    refused('005_opens_socket.py', 'network access', 10, /socket\.getaddrinfo/);
    refused('006_connects_with_psycopg2.py', 'connecting to a database', 10, /psycopg2\.connect/);
    // A refusal ends the process: project code cannot catch it and carry on.
    refused('007_catches_refusal.py', 'changing the file system', 11, /os\.remove\('alembic\.ini'/);
    expect(errors['alembic/versions/004_reads_database_url.py']).toMatchObject({
      code: 'python-command-failed',
      what: expect.stringMatching(/ failed: KeyError: 'DATABASE_URL'$/),
      where: { file: 'alembic/versions/004_reads_database_url.py', line: 10 },
    });
    expect(errors['alembic/versions/008_loops_forever.py']).toMatchObject({
      code: 'python-timeout',
      what: expect.stringContaining('did not finish within 15000 ms and was killed'),
    });
    // The address-space cap: an 8 GB allocation fails in the migration instead of exhausting the machine.
    expect(errors['alembic/versions/010_allocates_memory.py']).toMatchObject({
      code: 'python-command-failed',
      what: expect.stringMatching(/ failed: MemoryError$/),
      where: { file: 'alembic/versions/010_allocates_memory.py', line: 9 },
    });
    // The server's own environment (DATABASE_URL …) through /proc is not readable either.
    refused(
      '011_reads_parent_environment.py',
      'reading files outside the project',
      11,
      /open\('\/proc\/\d+\/environ'\)/,
    );
    // Nor is any other file outside the project and Python's own files.
    refused('012_reads_another_project.py', 'reading files outside the project', 9, /open\('\/etc\/passwd'\)/);
    expect(Object.keys(errors)).toHaveLength(10);
    for (const error of result.errors) expect(error.error.fix.length).toBeGreaterThan(20);

    expect(existsSync(ESCAPED_FILE)).toBe(false);
    expect(filesUnder(root)).toEqual(before);
    expect(JSON.stringify(result)).not.toContain('hunter2');
    if (admin) expect(await settledSessions(admin, TARGET_DATABASE)).toBe(baseline);
  }, 300_000);
});

/** A copy of a fixture whose project Python (.venv/bin/python) is the tool Python. */
function projectCopy(name: string): string {
  const copy = mkdtempSync(path.join(tmpdir(), 'python-sandbox-'));
  cpSync(fixture(name), copy, { recursive: true });
  mkdirSync(path.join(copy, '.venv/bin'), { recursive: true });
  symlinkSync(python!, path.join(copy, '.venv/bin/python'));
  return copy;
}

describe.skipIf(!python)('Django in the Python sandbox', () => {
  it('sqlmigrate on SQLite settings gives the SQL without creating the database file', async () => {
    const copy = projectCopy('generate-django');
    try {
      const result = await readMigrations(copy, { executeProjectCode: true, timeoutMs: 30_000 });
      expect(result.errors).toEqual([]);
      expect(result.migrations.map((migration) => [migration.path, migration.up[1]?.sql])).toEqual([
        [
          'shop/migrations/0001_initial.py',
          'CREATE TABLE "shop_product" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(200) NOT NULL)',
        ],
      ]);
      expect(existsSync(path.join(copy, 'db.sqlite3'))).toBe(false);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 120_000);

  it('sqlmigrate on PostgreSQL settings is refused its connection, per file, and the server sees none', async () => {
    const copy = projectCopy('generate-django');
    try {
      const settings = path.join(copy, 'mysite/settings.py');
      writeFileSync(
        settings,
        readFileSync(settings, 'utf8').replace(
          /^DATABASES = .*$/m,
          `DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "NAME": "${TARGET_DATABASE}", "USER": "postgres"}}`,
        ),
      );
      const baseline = await settledSessions(admin, TARGET_DATABASE);
      const result = await readMigrations(copy, { executeProjectCode: true, timeoutMs: 30_000 });
      expect(result.migrations).toEqual([]);
      expect(result.errors.map((error) => [error.path, error.error.code, error.error.where])).toEqual([
        ['shop/migrations/0001_initial.py', 'sandbox-refused', { file: 'shop/migrations/0001_initial.py' }],
      ]);
      expect(result.errors[0]?.error.what).toMatch(
        /^The sandbox refused connecting to a database in .*django\/db\/backends\/postgresql\/base\.py:\d+ while `python manage\.py sqlmigrate shop 0001_initial` ran the project's code: psycopg2\.connect\.$/,
      );
      expect(result.errors[0]?.error.fix).toContain("Django's sqlmigrate opens a connection");
      expect(await settledSessions(admin, TARGET_DATABASE)).toBe(baseline);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 120_000);
});
