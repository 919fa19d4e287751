import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeMigrationSql, manyTablesSql, projectWith } from '../../bench/large-migrations.js';
import { generateMigration } from '../../bench/safety.js';
import { withOmitted } from '../../src/results/answer.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { rehearseMigrationTool } from '../../tools/rehearse_migration.js';
import { validateSafetyTool } from '../../tools/validate_safety.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

type Connection = Awaited<ReturnType<typeof connectInMemory>>;
interface Omitted {
  chars: number;
  of: number;
  result: string;
  arrays: Array<{ path: string; kept: number; of: number; page: string }>;
}
interface Finding {
  ruleId: string;
  severity: string;
  statementIndex: number;
}
interface SafetyAnswer {
  counts: { error: number; warning: number; info: number };
  files: Array<{ file?: string; findings: Finding[] }>;
  omitted?: Omitted;
}

const BUDGET = 20_000;
const BIN = fileURLToPath(new URL('../../dist/bundle/bin.js', import.meta.url));
const key = (finding: Finding) => `${finding.ruleId}@${finding.statementIndex}`;

async function readJson(connection: Connection, uri: string): Promise<unknown> {
  const read = await connection.client.readResource({ uri });
  return JSON.parse(String(read.contents[0]?.text));
}

/**
 * Every answer is cut to the result budget (default 20,000 characters of structuredContent) through the real MCP
 * protocol: the SDK client validates what it gets against the listed output schema, and the test against the full one.
 */
describe('result budget: a 5 MB migration through validate_safety', { timeout: 300_000 }, () => {
  let root: string;
  let connection: Connection;
  let result: CallToolResult;
  let answer: SafetyAnswer;
  beforeAll(async () => {
    // 5 MB of varied statements (warnings and infos), then errors at the very end: they must still come first.
    const lateErrors = Array.from({ length: 30 }, (_, index) => `ALTER TABLE existing_1 DROP COLUMN late_${index};`);
    const sql = `${generateMigration(66_000)}\n${lateErrors.join('\n')}\n`;
    expect(sql.length).toBeGreaterThan(5_000_000);
    root = projectWith({ 'migrations/001_large.sql': sql });
    connection = await connectInMemory(root);
    result = await callTool(connection.client, 'validate_safety', { paths: ['migrations/001_large.sql'] }, 600_000);
    answer = result.structuredContent as unknown as SafetyAnswer;
  }, 600_000);
  afterAll(async () => {
    await connection.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers within the budget, valid against the full output schema, saying how much it left out', () => {
    expect(result.isError, textOf(result)).toBeFalsy();
    const chars = JSON.stringify(answer).length;
    expect(chars).toBeLessThanOrEqual(BUDGET);
    expect(withOmitted(validateSafetyTool.outputSchema).safeParse(answer).success).toBe(true);
    const omitted = answer.omitted as Omitted;
    expect(omitted.of).toBeGreaterThan(BUDGET);
    expect(omitted.chars).toBeGreaterThan(omitted.of - BUDGET - 1_000);
    const findings = omitted.arrays.find((array) => array.path === 'files.0.findings');
    expect(findings?.kept).toBe(answer.files[0]?.findings.length);
    expect(findings?.of).toBeGreaterThan(findings?.kept ?? 0);
    // Counts stay those of the whole check.
    expect(answer.counts.warning).toBeGreaterThan(20_000);
    expect(textOf(result).length).toBeLessThanOrEqual(BUDGET / 2 + 400);
    expect(textOf(result)).toContain(omitted.result);
  });

  it('keeps the most severe findings first, even found last', () => {
    const severities = new Set(answer.files[0]?.findings.map((finding) => finding.severity));
    // 30 errors at the end of 66,000 statements: the room goes to them, none to a warning or an info.
    expect(answer.counts.error).toBe(30);
    expect([...severities]).toEqual(['error']);
  });

  it('serves the whole answer and pages of each cut array, where an omitted finding is found', async () => {
    const omitted = answer.omitted as Omitted;
    const whole = (await readJson(connection, omitted.result)) as SafetyAnswer;
    expect(JSON.stringify(whole).length).toBe(omitted.of);
    const kept = new Set(answer.files[0]?.findings.map(key));
    const left = whole.files[0]?.findings.find((finding) => !kept.has(key(finding)));
    expect(left).toBeDefined();

    const array = omitted.arrays.find((each) => each.path === 'files.0.findings');
    const page = (await readJson(connection, array?.page ?? '')) as {
      of: number;
      from: number;
      items: Finding[];
      next?: string;
    };
    expect(page.of).toBe(array?.of);
    expect(page.from).toBe(0);
    expect(JSON.stringify(page).length).toBeLessThanOrEqual(BUDGET + 500);
    expect(page.items.some((finding) => !kept.has(key(finding)))).toBe(true);
    const next = (await readJson(connection, page.next ?? '')) as { from: number; items: Finding[] };
    expect(next.from).toBe(page.items.length);
    expect(next.items[0]).toEqual(whole.files[0]?.findings[page.items.length]);
  });

  it('says so, at the resource, when a result is not kept', async () => {
    await expect(connection.client.readResource({ uri: 'db-migration-agent://results/nope' })).rejects.toThrow(
      /No kept result nope.*run the tool again/,
    );
  });
});

describe('result budget: a rehearsal of a large migration', { timeout: 300_000 }, () => {
  let root: string;
  let connection: Connection;
  beforeAll(async () => {
    root = projectWith({ 'migrations/001_items.sql': manyTablesSql(150) });
    connection = await connectInMemory(root);
  }, 60_000);
  afterAll(async () => {
    await connection.close();
    await releaseWarmPglite();
    rmSync(root, { recursive: true, force: true });
  });

  it('cuts the steps to the budget, valid against the full schema, the whole rehearsal a resource away', async () => {
    const result = await callTool(
      connection.client,
      'rehearse_migration',
      { migration: 'migrations/001_items.sql', rowsPerTable: 0 },
      600_000,
    );
    expect(result.isError, textOf(result)).toBeFalsy();
    const answer = result.structuredContent as { steps: Array<{ sql: string }>; omitted: Omitted };
    expect(JSON.stringify(answer).length).toBeLessThanOrEqual(BUDGET);
    expect(withOmitted(rehearseMigrationTool.outputSchema).safeParse(answer).success).toBe(true);
    const steps = answer.omitted.arrays.find((array) => array.path === 'steps');
    expect(steps?.kept).toBe(answer.steps.length);
    const whole = (await readJson(connection, answer.omitted.result)) as { steps: Array<{ sql: string }> };
    expect(whole.steps).toHaveLength(steps?.of ?? 0);
    const kept = new Set(answer.steps.map((step) => step.sql));
    expect(whole.steps.some((step) => !kept.has(step.sql))).toBe(true);
  });
});

describe('result budget settings', { timeout: 120_000 }, () => {
  const sql = largeMigrationSql(200_000);

  it('resultBudget in the project configuration sets it', async () => {
    const root = projectWith({
      'migrations/001_large.sql': sql,
      'db-migration-agent.config.json': JSON.stringify({ resultBudget: 5_000 }),
    });
    const connection = await connectInMemory(root);
    try {
      const result = await callTool(connection.client, 'validate_safety', {});
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(JSON.stringify(result.structuredContent).length).toBeLessThanOrEqual(5_000);
      expect(textOf(result).length).toBeLessThanOrEqual(2_500 + 400);
    } finally {
      await connection.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('DMA_RESULT_BUDGET in the server environment sets it for every project', async () => {
    const root = projectWith({
      'migrations/001_large.sql': sql,
      'db-migration-agent.config.json': JSON.stringify({ resultBudget: 5_000 }),
    });
    process.env.DMA_RESULT_BUDGET = '60000';
    const connection = await connectInMemory(root);
    delete process.env.DMA_RESULT_BUDGET;
    try {
      const result = await callTool(connection.client, 'validate_safety', {});
      const chars = JSON.stringify(result.structuredContent).length;
      expect(chars).toBeGreaterThan(20_000);
      expect(chars).toBeLessThanOrEqual(60_000);
    } finally {
      await connection.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a bad resultBudget is an error at its file:line:col with the fix', async () => {
    const root = projectWith({
      'migrations/001.sql': 'ALTER TABLE orders DROP COLUMN note;\n',
      'db-migration-agent.config.json': '{\n  "resultBudget": "big"\n}\n',
    });
    const connection = await connectInMemory(root);
    try {
      const result = await callTool(connection.client, 'validate_safety', {});
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(
        /db-migration-agent\.config\.json:2:\d+: resultBudget is "big", not a whole number/,
      );
      expect(textOf(result)).toMatch(/fix: Write "resultBudget": 40000/);
    } finally {
      await connection.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a bad DMA_RESULT_BUDGET stops the server from starting, saying how to fix it', async () => {
    process.env.DMA_RESULT_BUDGET = '12abc';
    try {
      await expect(connectInMemory(process.cwd())).rejects.toThrow(
        /DMA_RESULT_BUDGET is "12abc".*\n.*fix: Set DMA_RESULT_BUDGET=40000/,
      );
    } finally {
      delete process.env.DMA_RESULT_BUDGET;
    }
    // The built server, as a client starts it: exit code 2 and the fix on stderr, nothing on stdout.
    const started = spawnSync(process.execPath, [BIN, 'mcp'], {
      env: { ...process.env, DMA_RESULT_BUDGET: '500' },
      input: '',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(started.status).toBe(2);
    expect(started.stdout).toBe('');
    expect(started.stderr).toMatch(/DMA_RESULT_BUDGET is "500", not a whole number of characters from 2000/);
  });
});
