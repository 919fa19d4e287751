import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMigration } from '../../bench/safety.js';
import { FORMATS, formatResult, type OutputFormat, reportWriter } from '../../src/safety/format.js';
import { MarkdownReportWriter } from '../../src/safety/output/markdown.js';
import { SarifReportWriter } from '../../src/safety/output/sarif.js';
import { checkSqlInputs, streamSqlInputs } from '../../src/safety/run.js';
import { runCli } from '../helpers/cli.js';
import { METAS, TWO_FILES, TWO_FILES_OPTIONS } from '../helpers/json-report.js';

const REPO = path.join(import.meta.dirname, '../..');
const SOURCES = new Map(TWO_FILES.map((input) => [input.file, input.sql]));

/** Runs the check through the format's writer, as `check` does. */
async function streamed(format: OutputFormat, inputs = TWO_FILES, writer = reportWriter): Promise<string> {
  const chunks: string[] = [];
  const output = writer(format, (chunk) => chunks.push(chunk), METAS);
  output.finish(await streamSqlInputs(inputs, TWO_FILES_OPTIONS, output));
  return chunks.join('');
}

/** `count` info findings (CREATE TABLE without IF NOT EXISTS outside a transaction), then DROP TABLE: an error. */
function infosThenAnError(count: number): Array<{ file: string; sql: string }> {
  const creates = Array.from({ length: count }, (_, index) => `CREATE TABLE t_${index} (id bigint PRIMARY KEY);`);
  return [{ file: 'many.sql', sql: [...creates, 'DROP TABLE users;'].join('\n') }];
}

interface Sarif {
  runs: Array<{
    results: Array<{ ruleId: string; ruleIndex?: number; level: string }>;
    tool: { driver: { rules: Array<{ id: string }> } };
    invocations: Array<{
      executionSuccessful: boolean;
      toolExecutionNotifications: Array<{ message: { text: string } }>;
    }>;
    properties: { risk: string; omittedResults?: number };
  }>;
}

describe('every format is written while the check runs', () => {
  it.each(FORMATS)('%s: the same output as from the finished result', async (format) => {
    const collected = await checkSqlInputs(TWO_FILES, TWO_FILES_OPTIONS);
    const expected = formatResult(collected, format, { sources: SOURCES, rules: METAS });
    expect(expected.length).toBeGreaterThan(200);
    expect(await streamed(format)).toBe(expected);
  });

  it('text: a file that stops at a syntax error shows the error where it happened, between the files', async () => {
    const inputs = [TWO_FILES[0], { file: 'bad.sql', sql: 'ALTER TABLE t\n  ADD COLUMN;' }, TWO_FILES[1]].filter(
      (input) => input !== undefined,
    );
    const text = await streamed('text', inputs);
    const error = text.indexOf('bad.sql:2:13: error: PostgreSQL syntax error');
    expect(error).toBeGreaterThan(text.indexOf('one.sql:'));
    expect(error).toBeLessThan(text.indexOf('two.sql:'));
    // bad.sql is shown with what was checked before its error (nothing), and the risk says so.
    expect(text).toContain('Checked 3 file(s), 5 statement(s)');
    expect(text).toContain('Risk: NOT FULLY CHECKED (what was checked: HIGH)');
    expect(text).toContain('Not checked: 1 input(s) could not be read or parsed (see above).');
    expect(text.match(/PostgreSQL syntax error/g)).toHaveLength(1);
  });

  it('text: a lock line says when the statement rewrites or scans the table while it holds the lock', async () => {
    const { out } = await runCli(['check', '-', '--engine', 'postgresql'], {
      cwd: REPO,
      stdin: 'ALTER TABLE t ALTER COLUMN a TYPE bigint;\nCREATE INDEX t_a_idx ON t (a);\n',
    });
    expect(out).toContain('→ ACCESS EXCLUSIVE on t (blocks reads and writes, rewrites it)');
    expect(out).toContain('→ SHARE on t (blocks writes, scans it)');
  });

  it('github: one annotation per finding, the syntax error among them, the risk line last', async () => {
    const inputs = [{ file: 'bad.sql', sql: 'ALTER TABLE t ADD COLUMN;' }, ...TWO_FILES];
    const lines = (await streamed('github', inputs)).trimEnd().split('\n');
    const collected = await checkSqlInputs(inputs, TWO_FILES_OPTIONS);
    const findings = collected.counts.error + collected.counts.warning + collected.counts.info;
    expect(lines).toHaveLength(findings + 2);
    expect(lines[0]).toMatch(/^::error file=bad\.sql,line=1,col=\d+,title=SQL syntax error::/);
    expect(
      lines.slice(1, -1).every((line) => /^::(error|warning|notice) file=(one|two)\.sql,line=\d+,/.test(line)),
    ).toBe(true);
    expect(lines.at(-1)).toBe(
      `Risk: NOT FULLY CHECKED (what was checked: HIGH) — ${collected.counts.error} error(s), ${collected.counts.warning} warning(s), ${collected.counts.info} info.`,
    );
  });

  it('sarif: each ruleIndex pointing at its rule, the rules each listed once, errors as notifications', async () => {
    const inputs = [...TWO_FILES, { file: 'bad.sql', sql: 'ALTER TABLE t ADD COLUMN;' }];
    const collected = await checkSqlInputs(inputs, TWO_FILES_OPTIONS);
    const text = await streamed('sarif', inputs);
    const sarif = JSON.parse(text) as Sarif;
    const [run] = sarif.runs;
    if (!run) throw new Error('no run');
    expect(Object.keys(run)).toEqual(['tool', 'results', 'invocations', 'properties']);
    expect(run.results).toHaveLength(collected.counts.error + collected.counts.warning + collected.counts.info);
    const rules = run.tool.driver.rules.map((rule) => rule.id);
    expect(new Set(rules).size).toBe(rules.length);
    expect(new Set(run.results.map((result) => result.ruleId))).toEqual(new Set(rules));
    for (const result of run.results) expect(rules[result.ruleIndex ?? -1]).toBe(result.ruleId);
    expect(run.invocations[0]?.executionSuccessful).toBe(false);
    expect(run.invocations[0]?.toolExecutionNotifications[0]?.message.text).toContain('syntax error');
    expect(run.properties.risk).toBe(collected.risk);
  });

  it('sarif: keeps at most the results code scanning accepts, the most severe, and says how many it left out', async () => {
    const inputs = infosThenAnError(20);
    const capped = (format: OutputFormat, write: (chunk: string) => void) =>
      format === 'sarif' ? new SarifReportWriter(write, METAS, 2) : reportWriter(format, write, METAS);
    const [run] = (JSON.parse(await streamed('sarif', inputs, capped)) as Sarif).runs;
    const collected = await checkSqlInputs(inputs, {});
    const total = collected.counts.error + collected.counts.warning + collected.counts.info;
    expect(run?.results).toHaveLength(2);
    expect(run?.results.map((result) => result.ruleId)).toContain('drop-table');
    expect(run?.results.some((result) => result.level === 'note')).toBe(false);
    expect(run?.properties).toEqual({ risk: 'HIGH', omittedResults: total - 2 });
    expect(run?.invocations[0]?.toolExecutionNotifications.at(-1)?.message.text).toContain(
      `${total - 2} less severe result(s) left out: code scanning rejects a run of more than 2 results`,
    );
    const rules = run?.tool.driver.rules.map((rule) => rule.id) ?? [];
    for (const result of run?.results ?? []) expect(rules[result.ruleIndex ?? -1]).toBe(result.ruleId);
  });

  it('markdown: keeps the most severe findings that fit the budget, in report order, and counts the rest', async () => {
    const inputs = infosThenAnError(40);
    const small = (format: OutputFormat, write: (chunk: string) => void) =>
      format === 'markdown' ? new MarkdownReportWriter(write, 3000) : reportWriter(format, write, METAS);
    const markdown = await streamed('markdown', inputs, small);
    const rows = markdown.split('\n').filter((line) => /^\| \d+:\d+ \|/.test(line));
    const severities = rows.map((row) => row.split('|')[2]?.trim());
    expect(severities).toContain('error');
    expect(rows.filter((row) => row.startsWith('| 41:1 | error | `drop-table`'))).toHaveLength(1);
    expect(rows.length).toBeLessThan(30);
    const lines = rows.map((row) => Number(row.split('|')[1]?.split(':')[0]));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    const collected = await checkSqlInputs(inputs, {});
    const omitted = collected.counts.error + collected.counts.warning + collected.counts.info - rows.length;
    expect(markdown).toMatch(
      new RegExp(`_${omitted} more finding\\(s\\) not shown \\(0 error\\(s\\), \\d+ warning\\(s\\), \\d+ info\\)`),
    );
    expect(markdown.indexOf('**Risk: HIGH**')).toBeLessThan(markdown.indexOf('| Line |'));
  });
});

describe('check on a generated 3,000-statement migration, every format', () => {
  it('writes each format whole, with totals that match, and a markdown comment GitHub accepts', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dma-formats-'));
    try {
      writeFileSync(path.join(folder, 'big.sql'), generateMigration(3000));
      const run = (format: string) =>
        spawnSync(process.execPath, [path.join(REPO, 'dist/bundle/bin.js'), 'check', 'big.sql', '--format', format], {
          cwd: folder,
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
      const sarifRun = run('sarif');
      expect(sarifRun.status).toBe(0);
      const results = (JSON.parse(sarifRun.stdout) as Sarif).runs[0]?.results ?? [];
      const total = results.length;
      expect(total).toBeGreaterThan(2000);

      const text = run('text');
      expect(text.status).toBe(0);
      expect(text.stdout.match(/^big\.sql:\d+:\d+: (error|warning|info)\[/gm)).toHaveLength(total);
      expect(text.stdout).toMatch(
        /Checked 1 file\(s\), 3000 statement\(s\) .*: 0 error\(s\), \d+ warning\(s\), \d+ info\./,
      );
      expect(text.stdout).toMatch(/ {2}… \d+ more statement\(s\) take locks \(see --format json\)\n/);

      const github = run('github');
      expect(github.stdout.match(/^::(warning|notice|error) /gm)).toHaveLength(total);

      const markdown = run('markdown');
      expect(markdown.status).toBe(0);
      expect(markdown.stdout.length).toBeLessThan(65_536);
      expect(markdown.stdout).toMatch(/more finding\(s\) not shown \(0 error\(s\), \d+ warning\(s\), \d+ info\)/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
