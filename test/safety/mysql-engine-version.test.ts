import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

/**
 * The server version of a MySQL/MariaDB check through the two ways in: `check --engine-version` on the built CLI
 * (spawned) and validate_safety's options.engineVersion over the MCP protocol; both answer the per-statement lock
 * summary of that server, and refuse a version they cannot read with how to write one.
 */

const BIN = path.join(import.meta.dirname, '../../dist/bundle/bin.js');
const SQL = 'SET SESSION lock_wait_timeout = 5;\nALTER TABLE users ADD COLUMN nickname varchar(50) AFTER id;\n';

function check(args: string[], cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'check', '-', '--engine', 'mysql', ...args], { cwd });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(SQL);
  });
}

interface LockSummary {
  text: string;
  locks: Array<{ table: string; mode: string; blocks: string; rewrite: boolean; servers?: string }>;
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'dma-mysql-version-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!existsSync(BIN))('check --engine-version (built CLI)', { timeout: 60_000 }, () => {
  it('MySQL 8.0.20 cannot add a column AFTER another instantly: the JSON lock summary says INPLACE with a rebuild', async () => {
    const { out } = await check(['--engine-version', '8.0.20', '--format', 'json'], root);
    const document = JSON.parse(out) as { notes: string[]; files: Array<{ locks: LockSummary[] }> };
    expect(document.notes).toContain('MySQL/MariaDB ALGORITHM and LOCK facts are those of MySQL 8.0.20.');
    expect(document.files[0]?.locks).toHaveLength(1);
    expect(document.files[0]?.locks[0]?.locks).toEqual([
      {
        table: 'users',
        mode: 'ALGORITHM=INPLACE, LOCK=NONE',
        on: 'table',
        blocks: 'other DDL',
        rewrite: true,
        scan: true,
        source: 'rule',
      },
    ]);
  });

  it('the text output lists each ALTER with its algorithm, the server lines when the version is not given', async () => {
    const known = await check(['--engine-version', 'mysql-8.0.35'], root);
    expect(known.out).toContain(
      'line 2: ALTER TABLE users ADD COLUMN nickname varchar(50) AFTER id → ALGORITHM=INSTANT on users (blocks other DDL)',
    );
    const unknown = await check([], root);
    expect(unknown.out).toContain('note: MySQL/MariaDB (server version not given):');
    expect(unknown.out).toContain(
      '→ ALGORITHM=INPLACE, LOCK=NONE on users [MySQL 5.7, MySQL 8.0.12–8.0.28] (blocks other DDL, rebuilds the table); ALGORITHM=INSTANT on users [MySQL 8.0.29+/8.4/9, MariaDB 10.6/10.11/11] (blocks other DDL)',
    );
  });

  it('a version it cannot read is a usage error (exit 2) that shows how to write one', async () => {
    const { code, err, out } = await check(['--engine-version', 'mysql-6.0'], root);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(
      'The server version "mysql-6.0" is not a MySQL (5.7, 8.0, 8.4, 9.x) or MariaDB (10.6 or later) version.',
    );
    expect(err).toContain('--engine-version 8.0.35, mysql-8.4, 5.7, mariadb-10.11 or 11.4');
  });
});

describe('validate_safety options.engineVersion (MCP)', () => {
  let connection: Awaited<ReturnType<typeof connectInMemory>>;
  beforeAll(async () => {
    connection = await connectInMemory(root);
  });
  afterAll(async () => {
    await connection.close();
  });

  it('answers the lock summary of the named server in the structured result', async () => {
    const result = await callTool(connection.client, 'validate_safety', {
      sql: SQL,
      engine: 'mysql',
      projectRoot: root,
      options: { engineVersion: 'mariadb-10.11' },
    });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as { notes: string[]; files: Array<{ locks: LockSummary[] }> };
    expect(structured.files[0]?.locks[0]?.locks.map((lock) => [lock.mode, lock.rewrite])).toEqual([
      ['ALGORITHM=INSTANT', false],
    ]);
    expect(textOf(result)).toContain('Note: MySQL/MariaDB ALGORITHM and LOCK facts are those of MariaDB 10.11.');
  });

  it('without a version: one entry per group of server lines, and the note once', async () => {
    const result = await callTool(connection.client, 'validate_safety', {
      sql: SQL,
      engine: 'mysql',
      projectRoot: root,
    });
    const structured = result.structuredContent as { notes: string[]; files: Array<{ locks: LockSummary[] }> };
    expect(structured.files[0]?.locks[0]?.locks.map((lock) => lock.servers)).toEqual([
      'MySQL 5.7, MySQL 8.0.12–8.0.28',
      'MySQL 8.0.29+/8.4/9, MariaDB 10.6/10.11/11',
    ]);
    expect(structured.notes.filter((note) => note.includes('server version not given'))).toHaveLength(1);
  });

  it('refuses a version it cannot read with the accepted forms', async () => {
    const result = await callTool(connection.client, 'validate_safety', {
      sql: SQL,
      engine: 'mysql',
      projectRoot: root,
      options: { engineVersion: 'mariadb-10.3' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/older than MariaDB 10\.6[\s\S]*mariadb-10\.11/);
  });
});
