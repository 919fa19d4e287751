import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Issue 15 §4: a check never says "Risk: LOW" about SQL it did not see. */
const BIN = path.resolve(import.meta.dirname, '../../dist/bundle/bin.js');

function check(files: Record<string, string>, args: string[]) {
  const root = mkdtempSync(path.join(tmpdir(), 'dma-not-fully-checked-'));
  try {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    return spawnSync(process.execPath, [BIN, 'check', ...args], { cwd: root, encoding: 'utf8' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('check on input it cannot fully read', () => {
  const broken = {
    'db/001_users.sql':
      'CREATE TABLE users (id bigint PRIMARY KEY);\nALTER TABLE accounts DROP COLUMN legacy;\nCREATE TABLE oops (id int,,);\nDROP TABLE users;\n',
  };

  it('text: statements before a syntax error are checked and shown; the risk is NOT FULLY CHECKED (exit 2)', () => {
    const run = check(broken, ['db/001_users.sql']);
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('db/001_users.sql:2:1: error[drop-column]');
    expect(run.stdout).toContain('db/001_users.sql:3:27: error: PostgreSQL syntax error');
    expect(run.stdout).toContain('(statements before line 3 were checked, the rest was not)');
    expect(run.stdout).toContain('Checked 1 file(s), 2 statement(s)');
    expect(run.stdout).toContain('Risk: NOT FULLY CHECKED (what was checked: HIGH)');
    expect(run.stdout).not.toMatch(/^Risk: (LOW|MEDIUM|HIGH)$/m);
  });

  it('json: the file report says where checking stopped; risk and checkedRisk are both given', () => {
    const run = check(broken, ['db/001_users.sql', '--format', 'json']);
    expect(run.status).toBe(2);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({
      risk: 'NOT FULLY CHECKED',
      checkedRisk: 'HIGH',
      unchecked: [expect.stringMatching(/^db\/001_users\.sql:3: checked only up to this line/)],
    });
    expect(document.files[0]).toMatchObject({
      statementCount: 2,
      notFullyChecked: { code: 'sql-syntax', line: 3, column: 27, uncheckedFrom: 3 },
    });
  });

  it('a check that checked no file says so and is not LOW', () => {
    const run = check({ 'db/down/001_users.sql': 'DROP TABLE users;\n' }, ['db']);
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('Checked 0 file(s)');
    expect(run.stdout).toContain('Risk: NOT FULLY CHECKED (nothing was checked)');
    expect(run.stdout).toContain('No file was checked.');
  });
});
