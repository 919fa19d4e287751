import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { type CallToolResult, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { createServer } from '../../src/server.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { runRehearsalRequest } from '../../src/shadow/request.js';
import { textOf } from '../helpers/mcp.js';
import { fixture } from '../sources/tool-runs.js';

/**
 * Project code runs only with consent: executeProjectCode / --execute, or — when omitted — the human's yes to
 * an MCP elicitation, asked once per call and only when the migrations found are code.
 */
const REPO = path.resolve(import.meta.dirname, '../..');
const KNEX = fixture('sources-knex-pg');
const DBMATE = fixture('sources-dbmate');

type Answer = 'accept' | 'decline' | 'cancel' | 'unsupported';

async function connect(answer: Answer) {
  const server = createServer({ cwd: KNEX });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client(
    { name: 'consent-tests', version: '1.0.0' },
    { capabilities: answer === 'unsupported' ? {} : { elicitation: {} } },
  );
  const asked: string[] = [];
  if (answer !== 'unsupported') {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(String(request.params.message));
      return answer === 'accept' ? { action: 'accept', content: { allow: true } } : { action: answer };
    });
  }
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    asked,
    call: async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

type Listed = { migrations: { compiled: boolean; upStatements: number; notes: string[] }[] };

afterAll(async () => {
  await releaseWarmPglite();
});

describe('consent to run project code over MCP', () => {
  it('asks once when the migrations are code; accepted, they are compiled', async () => {
    const session = await connect('accept');
    try {
      const listed = await session.call('list_migrations', { projectRoot: KNEX });
      expect(listed.isError).toBeFalsy();
      const structured = listed.structuredContent as Listed;
      expect(structured.migrations.map((migration) => migration.compiled)).toEqual([true, true, true]);
      expect(session.asked).toHaveLength(1);
      expect(session.asked[0]).toContain('sandbox');
      // validate_safety reads the folder twice (the file, then its history): still one question.
      const checked = await session.call('validate_safety', {
        projectRoot: KNEX,
        paths: ['migrations/20240103000000_users_display_name.ts'],
      });
      expect(checked.isError).toBeFalsy();
      expect(textOf(checked)).not.toContain('execute-required');
      expect(session.asked).toHaveLength(2);
    } finally {
      await session.close();
    }
  });

  for (const answer of ['decline', 'cancel', 'unsupported'] as const) {
    it(`${answer}: code migrations are listed, not run, and the answer names executeProjectCode`, async () => {
      const session = await connect(answer);
      try {
        const listed = await session.call('list_migrations', { projectRoot: KNEX });
        const structured = listed.structuredContent as Listed;
        expect(structured.migrations.every((migration) => !migration.compiled && migration.upStatements === 0)).toBe(
          true,
        );
        expect(structured.migrations[0]?.notes[0]).toContain('executeProjectCode: true');
        const checked = await session.call('validate_safety', {
          projectRoot: KNEX,
          paths: ['migrations/20240102000000_add_orders.js'],
        });
        expect(textOf(checked)).toContain('executeProjectCode');
        const rehearsed = await session.call('rehearse_migration', {
          projectRoot: KNEX,
          migration: 'migrations/20240102000000_add_orders.js',
        });
        expect(rehearsed.isError).toBe(true);
        expect(textOf(rehearsed)).toContain('executeProjectCode: true');
        expect(session.asked).toHaveLength(answer === 'unsupported' ? 0 : 3);
      } finally {
        await session.close();
      }
    });
  }

  it('never asks when the flag is given, nor when the migrations are SQL', async () => {
    const session = await connect('accept');
    try {
      const given = await session.call('list_migrations', { projectRoot: KNEX, executeProjectCode: false });
      expect((given.structuredContent as Listed).migrations[0]?.compiled).toBe(false);
      const sql = await session.call('list_migrations', { projectRoot: DBMATE });
      expect(sql.isError).toBeFalsy();
      expect(session.asked).toEqual([]);
    } finally {
      await session.close();
    }
  });
});

describe('consent to rehearse a code migration', () => {
  it('without consent: a clear error naming the flag; with it, the rehearsal runs as before', async () => {
    const request = { projectRoot: KNEX, migration: 'migrations/20240102000000_add_orders.js' };
    const refused = await runRehearsalRequest(request).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UserError);
    expect(refused).toMatchObject({ code: 'execute-required' });
    expect((refused as UserError).fix).toContain('executeProjectCode: true (CLI: rehearse --execute)');
    const report = await runRehearsalRequest({ ...request, executeProjectCode: true });
    expect(report.outcome).toBe('passed');
    expect(report.migration.statements).toBe(3);
    expect(report.baseline.migrationsReplayed).toBe(1);
  });

  it.skipIf(!existsSync(path.join(REPO, 'dist/bundle/bin.js')))('CLI rehearse needs --execute', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [path.join(REPO, 'dist/bundle/bin.js'), 'rehearse', ...args], {
        cwd: KNEX,
        encoding: 'utf8',
        timeout: 120_000,
      });
    const refused = run(['migrations/20240102000000_add_orders.js']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('rehearse --execute');
    const allowed = run(['migrations/20240102000000_add_orders.js', '--execute']);
    expect(allowed.stderr).not.toContain('rehearse --execute');
    expect(allowed.status).toBe(0);
  });
});
