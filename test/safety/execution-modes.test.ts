import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { runRehearsalRequest } from '../../src/shadow/request.js';
import { callTool, connectInMemory } from '../helpers/mcp.js';

/**
 * A plain .sql folder is run the way its runners send a file: as one query, which PostgreSQL runs as one implicit
 * transaction when the file holds several statements. check, validate_safety and the rehearsal agree: CONCURRENTLY
 * beside another statement is an error with the fix (a file of its own), and alone in its file it is fine.
 */
const ROOT = path.resolve(import.meta.dirname, '../fixtures/trust-plain-one-query');
const FILES = ['migrations/001_items.sql', 'migrations/002_sku_index.sql', 'migrations/003_name_index.sql'];

interface Result {
  files: Array<{
    file: string;
    assumeInTransaction: boolean;
    findings: Array<{ ruleId: string; severity: string; span: { start: { line: number } }; fix?: { summary: string } }>;
  }>;
  notes: string[];
}

afterAll(async () => {
  await releaseWarmPglite();
});

function expectOneQueryVerdicts(result: Result): void {
  expect(result.files.map((file) => [file.file, file.assumeInTransaction])).toEqual([
    [FILES[0], false],
    [FILES[1], true],
    [FILES[2], false],
  ]);
  const concurrently = result.files.map((file) =>
    file.findings.filter((finding) => finding.ruleId === 'concurrently-in-transaction'),
  );
  expect(concurrently.map((found) => found.map((finding) => finding.span.start.line))).toEqual([[], [2], []]);
  const [finding] = concurrently[1] ?? [];
  expect(finding?.severity).toBe('error');
  expect(finding?.fix?.summary).toContain('give the statement a migration file of its own');
  expect(result.notes.join('\n')).toContain(
    'migrations/002_sku_index.sql: A plain SQL runner sends the file as one query, and PostgreSQL runs its statements as one implicit transaction',
  );
}

describe('plain .sql folders run as one query', () => {
  it('validate_safety (no path) flags CONCURRENTLY beside another statement, with the fix', async () => {
    const connection = await connectInMemory(ROOT);
    try {
      const result = await callTool(connection.client, 'validate_safety', {});
      expect(result.isError).toBeFalsy();
      expectOneQueryVerdicts(result.structuredContent as unknown as Result);
    } finally {
      await connection.close();
    }
  });

  it('the rehearsal agrees: the two-statement file fails in its implicit transaction, the lone one passes', async () => {
    const mixed = await runRehearsalRequest({ projectRoot: ROOT, migration: FILES[1] as string });
    expect(mixed.outcome).toBe('failed');
    expect(mixed.failure?.message).toMatch(/CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
    expect(mixed.migration.transactional).toBe(true);
    const alone = await runRehearsalRequest({ projectRoot: ROOT, migration: FILES[2] as string });
    expect(alone.outcome).toBe('passed');
    expect(alone.steps[0]?.transaction).toBe('none (autocommit)');
  });
});
