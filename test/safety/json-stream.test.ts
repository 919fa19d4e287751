import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generateMigration } from '../../bench/safety.js';
import { main } from '../../src/cli.js';
import { validatePostgres } from '../../src/safety/engine.js';
import { type JsonDocument, toJsonDocument } from '../../src/safety/output/json.js';
import { JsonReportWriter, jsonDocumentParts, SMALL_REPORT_ITEMS } from '../../src/safety/output/json-stream.js';
import { RecentMemo } from '../../src/safety/recent-memo.js';
import { RULES } from '../../src/safety/rules/index.js';
import { checkSqlInputs, streamSqlInputs } from '../../src/safety/run.js';
import { METAS, TWO_FILES, TWO_FILES_OPTIONS } from '../helpers/json-report.js';

const REPO = path.join(import.meta.dirname, '../..');
const INPUTS = TWO_FILES;
const OPTIONS = TWO_FILES_OPTIONS;

/** Runs the check through the writer, as `check --format json` does; `smallItems` 0 streams from the start. */
async function streamed(smallItems: number, inputs: typeof INPUTS = INPUTS): Promise<string> {
  const chunks: string[] = [];
  const writer = new JsonReportWriter((chunk) => chunks.push(chunk), METAS, smallItems);
  const result = await streamSqlInputs(inputs, OPTIONS, writer);
  writer.finish(result);
  return chunks.join('');
}

async function runCli(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stdin.end('');
  const code = await main(['check', ...args], { stdout, stderr, stdin, cwd, env: {} });
  return { code, out };
}

describe('--format json written while the check runs', () => {
  it('writes a small report whole and indented, exactly as toJsonDocument describes it', async () => {
    const collected = await checkSqlInputs(INPUTS, OPTIONS);
    const expected = `${JSON.stringify(toJsonDocument(collected, METAS), null, 2)}\n`;
    expect(await streamed(SMALL_REPORT_ITEMS)).toBe(expected);
    expect(jsonDocumentParts(collected, METAS).join('')).toBe(expected);
  });

  it('streams a large report with the same content, findings and locks first, summaries after them', async () => {
    const collected = toJsonDocument(await checkSqlInputs(INPUTS, OPTIONS), METAS);
    const text = await streamed(0);
    expect(text.endsWith('}\n')).toBe(true);
    const document = JSON.parse(text) as JsonDocument;
    expect(document).toEqual(JSON.parse(JSON.stringify(collected)));
    // The order that lets it be written while checking: per file, findings before risk and checklist; the
    // check's risk, counts and rules at the end.
    expect(Object.keys(document)).toEqual([
      'engine',
      'pgVersion',
      'pgVersionSource',
      'assumeInTransaction',
      'largeTableRows',
      'files',
      'errors',
      'notes',
      'unchecked',
      'checkedRisk',
      'risk',
      'counts',
      'rules',
    ]);
    expect(Object.keys(document.files[0] ?? {})).toEqual([
      'engine',
      'file',
      'pgVersion',
      'assumeInTransaction',
      'largeTableRows',
      'findings',
      'statements',
      'locks',
      'statementCount',
      'risk',
      'riskReasons',
      'counts',
      'suppressed',
      'checklist',
      'ruleErrors',
    ]);
    // A finished check replayed into the same writer gives the same document.
    const replayed = jsonDocumentParts(await checkSqlInputs(INPUTS, OPTIONS), METAS, 0).join('');
    expect(replayed).toBe(text);
  });

  it('gives the same content whichever finding or lock summary makes the report large', async () => {
    const collected = JSON.parse(JSON.stringify(toJsonDocument(await checkSqlInputs(INPUTS, OPTIONS), METAS)));
    const items = collected.files.reduce(
      (sum: number, file: JsonDocument['files'][number]) => sum + file.findings.length + file.locks.length,
      0,
    );
    for (let smallItems = 0; smallItems <= items; smallItems++)
      expect(JSON.parse(await streamed(smallItems))).toEqual(collected);
  });

  it('shows a file that stops at a syntax error with what was checked (here nothing), and lists its error', async () => {
    const inputs = [INPUTS[0], { file: 'bad.sql', sql: 'ALTER TABLE t ADD COLUMN;' }, INPUTS[1]].filter(
      (input): input is (typeof INPUTS)[number] => input !== undefined,
    );
    for (const smallItems of [0, SMALL_REPORT_ITEMS]) {
      const document = JSON.parse(await streamed(smallItems, inputs)) as JsonDocument;
      expect(
        document.files.map((file) => [file.file, file.statementCount, file.notFullyChecked?.uncheckedFrom]),
      ).toEqual([
        ['one.sql', 3, undefined],
        ['bad.sql', 0, 1],
        ['two.sql', 2, undefined],
      ]);
      expect(document.errors.map((error) => error.where?.file)).toEqual(['bad.sql']);
      expect(document.risk).toBe('NOT FULLY CHECKED');
    }
  });

  it('streams a generated migration through the CLI: every finding, counts that match, exit code by --fail-on', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dma-json-stream-'));
    try {
      writeFileSync(path.join(folder, 'big.sql'), generateMigration(3000));
      const run = spawnSync(
        process.execPath,
        [path.join(REPO, 'dist/bundle/bin.js'), 'check', 'big.sql', '--format', 'json', '--fail-on', 'warning'],
        { cwd: folder, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(1);
      const document = JSON.parse(run.stdout) as JsonDocument;
      const [file] = document.files;
      expect(file?.statementCount).toBe(3000);
      const counts = file?.counts ?? { error: 0, warning: 0, info: 0 };
      expect(file?.findings).toHaveLength(counts.error + counts.warning + counts.info);
      expect(counts.warning).toBeGreaterThan(SMALL_REPORT_ITEMS);
      expect(document.counts).toEqual(counts);
      expect(file?.locks.length).toBeGreaterThan(2000);
      // Every finding's statement text is written once, and every rule that fired has its metadata.
      for (const finding of file?.findings ?? []) {
        expect(file?.statements[String(finding.statementIndex)]).toBeDefined();
        expect(document.rules[finding.ruleId]).toBeDefined();
      }
      expect(Object.keys(document)[0]).toBe('engine');
      expect(Object.keys(document).slice(-3)).toEqual(['risk', 'counts', 'rules']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('keeps what was checked before a syntax error part-way through a streamed file, and reports the error', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dma-json-stream-'));
    try {
      const valid = generateMigration(3000);
      const lines = valid.split('\n').length;
      writeFileSync(path.join(folder, 'big.sql'), `${valid}ALTER TABLE t ADD COLUMN;\n`);
      const { code, out } = await runCli(['big.sql', '--format', 'json'], folder);
      expect(code).toBe(2);
      const document = JSON.parse(out) as JsonDocument;
      const [file] = document.files;
      expect(file?.findings.length).toBeGreaterThan(SMALL_REPORT_ITEMS);
      expect(file?.statementCount).toBe(3000);
      expect(file?.notFullyChecked).toMatchObject({ code: 'sql-syntax', line: lines, uncheckedFrom: lines });
      expect(document.risk).toBe('NOT FULLY CHECKED');
      expect(document.checkedRisk).toBe(file?.risk);
      expect(document.errors).toHaveLength(1);
      expect(document.errors[0]?.where?.line).toBe(lines);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('report order', () => {
  it('lists end-of-migration findings after the statements’ own, each statement most severe first', async () => {
    const report = await validatePostgres(
      [
        'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
        'ALTER TABLE users ADD COLUMN nickname varchar(20);',
        'CREATE INDEX users_nickname_idx ON users (nickname);',
      ].join('\n'),
    );
    const order = report.findings.map((finding) => `${finding.statementIndex}:${finding.ruleId}`);
    // Findings about the whole migration (end-of-migration checks, one-per-transaction rules) come last.
    const wholeMigration = new Set(
      RULES.filter((rule) => rule.finish || rule.mergePerTransaction).map((rule) => rule.meta.id),
    );
    const missingIndex = report.findings.findIndex((finding) => wholeMigration.has(finding.ruleId));
    expect(order.slice(missingIndex)).toEqual([
      '0:require-lock-timeout',
      '0:foreign-key-missing-index',
      '0:require-statement-timeout',
    ]);
    expect(order.slice(0, missingIndex).map((entry) => Number(entry.split(':')[0]))).toEqual(
      [...order.slice(0, missingIndex).map((entry) => Number(entry.split(':')[0]))].sort((a, b) => a - b),
    );
    const rank = { error: 0, warning: 1, info: 2 };
    for (let index = 1; index < missingIndex; index++) {
      const previous = report.findings[index - 1];
      const current = report.findings[index];
      if (previous && current && previous.statementIndex === current.statementIndex)
        expect(rank[previous.severity]).toBeLessThanOrEqual(rank[current.severity]);
    }
  });
});

describe('RecentMemo', () => {
  it('works a value out once while its key is recent, and again once the key has been pushed out', () => {
    const memo = new RecentMemo<object, number>(2);
    let calls = 0;
    const compute = () => ++calls;
    const [a, b, c] = [{}, {}, {}];
    expect(memo.get(a, compute)).toBe(1);
    expect(memo.get(a, compute)).toBe(1);
    expect(memo.get(b, compute)).toBe(2);
    expect(memo.get(a, compute)).toBe(1);
    expect(memo.get(c, compute)).toBe(3); // pushes out a, the oldest entry
    expect(memo.get(b, compute)).toBe(2);
    expect(memo.get(a, compute)).toBe(4);
  });

  it('remembers undefined results too', () => {
    const memo = new RecentMemo<object, string | undefined>(1);
    let calls = 0;
    const key = {};
    memo.get(key, () => {
      calls++;
      return undefined;
    });
    memo.get(key, () => {
      calls++;
      return undefined;
    });
    expect(calls).toBe(1);
  });
});
