import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

const ROOT = path.join(import.meta.dirname, '../fixtures/safety-project');

describe('validate_safety over MCP', () => {
  let connection: Awaited<ReturnType<typeof connectInMemory>>;
  beforeAll(async () => {
    connection = await connectInMemory(ROOT);
  });
  afterAll(async () => {
    await connection.close();
  });

  it('is listed with read-only, idempotent annotations', async () => {
    const { tools } = await connection.client.listTools();
    const tool = tools.find((each) => each.name === 'validate_safety');
    expect(tool?.annotations).toMatchObject({
      readOnlyHint: true,
      idempotentHint: true,
      openWorldHint: false,
    });
    expect(tool?.outputSchema).toBeDefined();
  });

  it('checks SQL text and returns the report with findings, locks, checklist and risk', async () => {
    const result = await callTool(connection.client, 'validate_safety', {
      sql: "ALTER TABLE users ADD CONSTRAINT c CHECK (email <> '');",
      downSql: 'ALTER TABLE users DROP CONSTRAINT c;',
      projectRoot: ROOT,
      options: { rowCounts: { users: 8_000_000 } },
    });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as {
      risk: string;
      files: Array<{
        findings: Array<{ ruleId: string; estimatedLockSeconds?: number }>;
        locks: Array<{ locks: Array<{ mode: string; rows?: number }> }>;
        checklist: Array<{ id: string; status: string }>;
      }>;
    };
    expect(structured.risk).toBe('HIGH');
    const report = structured.files[0];
    expect(report?.locks[0]?.locks[0]).toMatchObject({ mode: 'ACCESS EXCLUSIVE', rows: 8_000_000 });
    expect(report?.findings.some((finding) => (finding.estimatedLockSeconds ?? 0) >= 8)).toBe(true);
    expect(report?.checklist.find((item) => item.id === 'rollback-present')?.status).toBe('pass');
    expect(textOf(result)).toContain('**Risk: HIGH**');
    expect(textOf(result)).toContain('Checklist:');
  });

  it('checks files by path and glob inside the project', async () => {
    const result = await callTool(connection.client, 'validate_safety', {
      paths: ['migrations/**/*.sql'],
      options: { assumeInTransaction: true },
    });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as { files: Array<{ file: string }>; assumeInTransaction: boolean };
    expect(structured.files.map((file) => file.file)).toEqual([
      'migrations/001_users/up.sql',
      'migrations/002_orders/up.sql',
      'migrations/003_email_index.sql',
    ]);
    expect(structured.assumeInTransaction).toBe(true);
  });

  it('answers bad input with isError and a fix: engines, paths, syntax', async () => {
    const mssql = await callTool(connection.client, 'validate_safety', { sql: 'SELECT 1', engine: 'mssql' });
    expect(mssql.isError).toBe(true);
    expect(textOf(mssql)).toContain('Pass one of the supported engines: postgresql, mysql, mariadb, sqlite.');
    const outside = await callTool(connection.client, 'validate_safety', { paths: ['../../../package.json'] });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toContain('outside the project root');
    // Neither sql nor paths: every migration folder detect_setup finds in the project.
    const neither = await callTool(connection.client, 'validate_safety', {});
    expect(neither.isError).toBeFalsy();
    expect((neither.structuredContent as { files: unknown[] }).files.length).toBeGreaterThan(0);
    // A syntax error part-way: what comes before it is checked, and the risk says the rest was not.
    const syntax = await callTool(connection.client, 'validate_safety', { sql: 'SELECT 1;\nCREATE TABEL x ();' });
    expect(syntax.isError).toBeFalsy();
    expect(textOf(syntax)).toContain('**Risk: NOT FULLY CHECKED (what was checked: LOW)**');
    expect(textOf(syntax)).toContain('<input>:2:8 checked only up to here: PostgreSQL syntax error');
    expect(syntax.structuredContent).toMatchObject({
      risk: 'NOT FULLY CHECKED',
      checkedRisk: 'LOW',
      files: [{ statementCount: 1, notFullyChecked: { line: 2, column: 8, uncheckedFrom: 2 } }],
    });
  });

  it('caps findings but keeps exact counts', async () => {
    const sql = Array.from({ length: 30 }, (_, i) => `-- dma-ignore bad-id-${i}\nSELECT ${i};`).join('\n');
    const result = await callTool(connection.client, 'validate_safety', { sql, options: { maxFindings: 5 } });
    const structured = result.structuredContent as {
      truncated: boolean;
      counts: { warning: number };
      files: Array<{ findings: unknown[] }>;
    };
    expect(structured.truncated).toBe(true);
    expect(structured.counts.warning).toBe(30);
    expect(structured.files[0]?.findings).toHaveLength(5);
  });

  it('keeps the most severe findings when it caps them: an error late in the file is never cut', async () => {
    const sql = [
      ...Array.from({ length: 40 }, (_, i) => `CREATE TABLE t_${i} (id bigint PRIMARY KEY);`),
      'DROP TABLE users;',
    ].join('\n');
    const result = await callTool(connection.client, 'validate_safety', { sql, options: { maxFindings: 10 } });
    const structured = result.structuredContent as {
      truncated: boolean;
      counts: { error: number; warning: number; info: number };
      files: Array<{ findings: Array<{ ruleId: string; severity: string }>; omitted?: { findings: number } }>;
    };
    const [file] = structured.files;
    expect(structured.truncated).toBe(true);
    expect(file?.findings).toHaveLength(10);
    expect(file?.findings.map((finding) => finding.ruleId)).toContain('drop-table');
    const total = structured.counts.error + structured.counts.warning + structured.counts.info;
    expect(file?.omitted?.findings).toBe(total - 10);
    // The human summary lists the error first.
    expect(textOf(result)).toMatch(/\*\*Risk: HIGH\*\*[^\n]*\n- error `drop-table`/);
  });

  it('serves the rule catalog as a resource', async () => {
    const { resources } = await connection.client.listResources();
    expect(resources.map((resource) => resource.uri)).toContain('db-migration-agent://rules');
    const read = await connection.client.readResource({ uri: 'db-migration-agent://rules' });
    const content = read.contents[0] as { text: string; mimeType: string };
    expect(content.mimeType).toBe('application/json');
    const catalog = JSON.parse(content.text) as { rules: Array<{ id: string; why: string; locks: unknown[] }> };
    expect(catalog.rules.map((rule) => rule.id)).toEqual(
      expect.arrayContaining(['unknown-table', 'unknown-column', 'large-table-lock', 'unknown-ignore']),
    );
    for (const rule of catalog.rules) expect(rule.why.length).toBeGreaterThan(20);
  });
});
