import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** `check --format gitlab` through the built CLI: GitLab's Code Quality report, checked for its shape. */

const REPO = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(REPO, 'dist/bundle/bin.js');
const SAFETY_PROJECT = path.join(REPO, 'test/fixtures/safety-project');
const SEVERITIES = ['info', 'minor', 'major', 'critical', 'blocker'];

interface Issue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}

function check(cwd: string, args: string[]): { code: number | null; issues: Issue[] } {
  const run = spawnSync(process.execPath, [BIN, 'check', ...args, '--format', 'gitlab'], { cwd, encoding: 'utf8' });
  return { code: run.status, issues: JSON.parse(run.stdout) as Issue[] };
}

function expectCodeQualityShape(issues: Issue[], root: string): void {
  for (const issue of issues) {
    expect(Object.keys(issue).sort()).toEqual(['check_name', 'description', 'fingerprint', 'location', 'severity']);
    expect(issue.description.length).toBeGreaterThan(10);
    expect(issue.check_name).toMatch(/^[a-z][a-z-]+$/);
    expect(issue.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(SEVERITIES).toContain(issue.severity);
    expect(Number.isInteger(issue.location.lines.begin) && issue.location.lines.begin >= 1).toBe(true);
    expect(existsSync(path.join(root, issue.location.path)), issue.location.path).toBe(true);
  }
  expect(new Set(issues.map((issue) => issue.fingerprint)).size).toBe(issues.length);
}

describe.skipIf(!existsSync(BIN))('check --format gitlab', () => {
  it('writes one Code Quality issue per finding, exit code as --fail-on says', () => {
    const { code, issues } = check(SAFETY_PROJECT, ['migrations', '--row-count', 'users=5000000']);
    expect(code).toBe(1);
    expect(issues.length).toBeGreaterThan(1);
    expectCodeQualityShape(issues, SAFETY_PROJECT);
    expect(issues).toContainEqual(
      expect.objectContaining({
        check_name: 'require-concurrent-index-creation',
        severity: 'critical',
        location: { path: 'migrations/003_email_index.sql', lines: { begin: 2 } },
      }),
    );
  });

  it('keeps a fingerprint when lines above the statement move, and reports an unreadable file as a blocker', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'dma-gitlab-'));
    const sql = 'SELECT 1;\nALTER TABLE users DROP COLUMN email;\n';
    writeFileSync(path.join(root, 'change.sql'), sql);
    const before = check(root, ['change.sql']).issues.find((issue) => issue.check_name === 'drop-column');
    writeFileSync(path.join(root, 'change.sql'), `-- a comment\n-- another\n${sql}`);
    const after = check(root, ['change.sql']).issues.find((issue) => issue.check_name === 'drop-column');
    expect(before?.location.lines.begin).toBe(2);
    expect(after?.location.lines.begin).toBe(4);
    expect(after?.fingerprint).toBe(before?.fingerprint);

    writeFileSync(path.join(root, 'broken.sql'), 'ALTER TABLE t ADD COLUMN;\n');
    const broken = check(root, ['broken.sql']);
    expect(broken.code).toBe(2);
    expectCodeQualityShape(broken.issues, root);
    expect(broken.issues).toContainEqual(
      expect.objectContaining({
        check_name: 'not-checked',
        severity: 'blocker',
        location: { path: 'broken.sql', lines: { begin: 1 } },
      }),
    );
  });
});
