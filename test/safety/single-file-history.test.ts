import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface CheckJson {
  notes: string[];
  files: Array<{ file: string; findings: Array<{ ruleId: string; severity: string; message: string }> }>;
}

/** A project of numbered plain .sql migrations: 001 creates orders, 002 widens orders.total to bigint. */
const project = mkdtempSync(path.join(tmpdir(), 'dma-single-history-'));
mkdirSync(path.join(project, 'migrations'));
writeFileSync(
  path.join(project, 'migrations/001_orders.sql'),
  'CREATE TABLE orders (id bigint PRIMARY KEY, total int);\n',
);
writeFileSync(
  path.join(project, 'migrations/002_widen_total.sql'),
  'ALTER TABLE orders ALTER COLUMN total TYPE bigint;\nALTER TABLE customers ADD COLUMN note text;\n',
);
afterAll(() => rmSync(project, { recursive: true, force: true }));

async function check(args: string[]): Promise<CheckJson> {
  const result = await runCli(['check', ...args, '--format', 'json'], { cwd: project });
  return JSON.parse(result.out) as CheckJson;
}

function findings(report: CheckJson) {
  return report.files.flatMap((file) => file.findings.map((finding) => `${finding.severity} ${finding.ruleId}`));
}

describe('a single migration file is checked against the migrations before it', () => {
  it('a numbered plain .sql file: the files before it in its folder are its history', async () => {
    const report = await check(['migrations/002_widen_total.sql']);
    const typeChange = report.files[0]?.findings.find((finding) => finding.ruleId === 'column-type-change');
    expect(typeChange?.severity).toBe('warning');
    expect(typeChange?.message).toContain('int4 → bigint is not binary-compatible');
    // Plain files may not start at the database's beginning: a table they do not create is not called unknown.
    expect(findings(report)).not.toContain('error unknown-table');
  });

  it('--history naming the folder of the checked file leaves that file (and later ones) out, and says so', async () => {
    const report = await check(['migrations/002_widen_total.sql', '--history', 'migrations']);
    const typeChange = report.files[0]?.findings.find((finding) => finding.ruleId === 'column-type-change');
    expect(typeChange?.message).toContain('int4 → bigint is not binary-compatible');
    expect(report.notes).toContainEqual(
      expect.stringContaining('--history: migrations/002_widen_total.sql is not history of the migrations checked'),
    );
  });

  it('an earlier file that links outside the project root is not read, and the note says so', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'dma-outside-'));
    const linked = mkdtempSync(path.join(tmpdir(), 'dma-single-link-'));
    try {
      writeFileSync(path.join(outside, 'secret.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY, total int);\n');
      mkdirSync(path.join(linked, 'migrations'));
      symlinkSync(path.join(outside, 'secret.sql'), path.join(linked, 'migrations/001_orders.sql'));
      writeFileSync(
        path.join(linked, 'migrations/002_widen_total.sql'),
        'ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n',
      );
      const result = await runCli(['check', 'migrations/002_widen_total.sql', '--format', 'json'], { cwd: linked });
      const report = JSON.parse(result.out) as CheckJson;
      expect(report.notes).toContainEqual(
        expect.stringContaining(
          'migrations/001_orders.sql (earlier migration) links to a path outside the project root',
        ),
      );
      // Its CREATE TABLE was not read: the current type of orders.total stays unknown.
      const typeChange = report.files[0]?.findings.find((finding) => finding.ruleId === 'column-type-change');
      expect(typeChange?.message).not.toContain('int4 → bigint');
    } finally {
      rmSync(outside, { recursive: true, force: true });
      rmSync(linked, { recursive: true, force: true });
    }
  });
});
