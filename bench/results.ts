import { rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createServer } from '../src/server.js';
import { releaseWarmPglite } from '../src/shadow/pglite.js';
import { bulkInsertSql, largeMigrationSql, projectWith } from './large-migrations.js';
import { generateMigration } from './safety.js';
import type { BenchResult } from './types.js';

/**
 * How large tool answers are, whole (the cut answer's omitted.of) and cut to the result budget (20,000 characters of structuredContent): a
 * 4-file migration folder, a 5 MB migration, and a rehearsal of a 5 MB migration. Each figure is one call through
 * a real SDK client; the note gives the whole answer's size, so the cut is visible.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FOUR_FILES = path.join(REPO, 'test/fixtures/safety-project');
const FIVE_MB = 5_000_000;

async function measure(name: string, root: string, tool: string, args: Record<string, unknown>): Promise<BenchResult> {
  const server = createServer({ cwd: root });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  try {
    const started = performance.now();
    const result = await client.callTool({ name: tool, arguments: args }, undefined, { timeout: 3_600_000 });
    const ms = performance.now() - started;
    const structured = (result.structuredContent ?? {}) as { omitted?: { of: number } };
    const chars = JSON.stringify(structured).length;
    const text = (result.content as Array<{ text?: string }>).map((part) => part.text ?? '').join('').length;
    return {
      name: `${name}: structuredContent characters, cut to the budget`,
      unit: 'chars',
      median: chars,
      runs: 1,
      target: 20_000,
      note: `whole answer ${structured.omitted?.of ?? chars} chars; text ${text} chars; call ${Math.round(ms)} ms${result.isError ? ' (isError)' : ''}`,
    };
  } finally {
    await client.close();
    await server.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const results = [
    await measure('validate_safety, 4-file folder', FOUR_FILES, 'validate_safety', { paths: ['migrations'] }),
  ];
  const large = projectWith({
    'migrations/001_varied.sql': generateMigration(Math.round(FIVE_MB / 76)),
    'migrations/002_findings.sql': largeMigrationSql(FIVE_MB),
  });
  // Alone in its project: a rehearsal replays the earlier migrations first.
  const bulk = projectWith({ 'migrations/001_bulk.sql': bulkInsertSql(FIVE_MB) });
  try {
    results.push(
      await measure('validate_safety, 5 MB migration (bench/safety generator)', large, 'validate_safety', {
        paths: ['migrations/001_varied.sql'],
      }),
      await measure(
        'validate_safety, 5 MB migration (a finding of each severity per block)',
        large,
        'validate_safety',
        {
          paths: ['migrations/002_findings.sql'],
        },
      ),
      await measure('rehearse_migration, 5 MB data migration', bulk, 'rehearse_migration', {
        migration: 'migrations/001_bulk.sql',
        rowsPerTable: 0,
      }),
    );
  } finally {
    await releaseWarmPglite();
    rmSync(large, { recursive: true, force: true });
    rmSync(bulk, { recursive: true, force: true });
  }
  return results;
}
