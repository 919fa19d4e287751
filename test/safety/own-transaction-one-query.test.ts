import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * A plain .sql file sent as one query that opens its own transaction (BEGIN … COMMIT, as generate_migration writes
 * them) is not nested in the implicit one: PostgreSQL turns the implicit block into the file's explicit one.
 */
it('checks a one-query file with its own BEGIN … COMMIT without a nesting warning', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dma-own-transaction-'));
  try {
    mkdirSync(path.join(root, 'migrations'));
    writeFileSync(path.join(root, 'migrations', '001_users.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY);\n');
    writeFileSync(
      path.join(root, 'migrations', '002_tags.sql'),
      "BEGIN;\nSET lock_timeout = '5s';\nCREATE TABLE IF NOT EXISTS tags (id bigint PRIMARY KEY);\nCOMMIT;\n",
    );
    const { out } = await runCli(['check', '.', '--format', 'json'], { cwd: root });
    const report = JSON.parse(out) as { files: Array<{ file: string; findings: Array<{ ruleId: string }> }> };
    const tags = report.files.find((file) => file.file === 'migrations/002_tags.sql');
    expect(tags?.findings.map((finding) => finding.ruleId)).not.toContain('transaction-nesting');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}, 120_000);
