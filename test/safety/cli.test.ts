import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const REPO = path.join(import.meta.dirname, '../..');
const ROOT = path.join(import.meta.dirname, '../fixtures/safety-project');

function run(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  return runCli(['check', ...args], { cwd: ROOT, ...(stdin !== undefined ? { stdin } : {}) });
}

describe('db-migration-agent check', () => {
  it('exits 0 on a clean migration and prints the checklist', async () => {
    const result = await run(['migrations/001_users/up.sql']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Checked 1 file(s), 1 statement(s) for PostgreSQL 15');
    expect(result.out).toContain('[x] Rollback present: pass');
  });

  it('exits 1 on findings at or above --fail-on, with a compiler-style marker', async () => {
    const result = await run(['migrations', '--rows', 'users=5000000']);
    expect(result.code).toBe(1);
    expect(result.out).toContain('migrations/003_email_index.sql:2:1: error[');
    expect(result.out).toMatch(/2 \| CREATE INDEX users_email_idx ON users \(email\);\n {2}\| \^~+\n/);
    expect(result.out).toContain('= lock: SHARE on table');
    expect(result.out).toContain('Risk: HIGH');
  });

  it('--fail-on controls the exit code', async () => {
    const sql = '-- dma-ignore no-such-rule\nSELECT 1;';
    expect((await run(['-'], sql)).code).toBe(0);
    expect((await run(['-', '--fail-on', 'warning'], sql)).code).toBe(1);
    expect((await run(['-', '--fail-on', 'info'], sql)).code).toBe(1);
  });

  it('exits 2 on a syntax error, at file:line:col with the offending line and a caret', async () => {
    const result = await run(['other/broken.sql']);
    expect(result.code).toBe(2);
    expect(result.out).toContain('other/broken.sql:2:13: error: PostgreSQL syntax error: syntax error at or near ";"');
    expect(result.out).toContain('      ADD COLUMN;\n                ^');
  });

  it('with no path checks every migration folder detect finds, none dropped', async () => {
    const result = await run(['--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out) as { files: { file: string }[]; notes: string[] };
    expect(report.files.map((file) => file.file)).toEqual([
      'migrations/001_users/up.sql',
      'migrations/002_orders/up.sql',
      'migrations/003_email_index.sql',
    ]);
    // other/ is not a migration folder: only what detect finds is checked.
    expect(report.notes.join('\n')).toContain('migrations/003_email_index.sql is not diesel migration(s)');
  });

  it('exits 2 on usage errors with a fix', async () => {
    for (const args of [
      ['x.sql', '--format', 'xml'],
      ['-', '--rows', 'users'],
      ['-', '--pg-version', 'abc'],
      ['-', '--fail-on', 'fatal'],
      ['--bogus'],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toContain('fix:');
    }
    expect((await run(['../outside.sql'])).code).toBe(2);
  });

  it('reads standard input with -', async () => {
    const result = await run(
      ['-', '--format', 'json', '--assume-in-transaction', '--pg-version', '16'],
      'CREATE INDEX i ON t (a);',
    );
    const parsed = JSON.parse(result.out) as {
      pgVersion: number;
      assumeInTransaction: boolean;
      files: Array<{ file: string; statementCount: number }>;
    };
    expect(parsed).toMatchObject({
      pgVersion: 16,
      assumeInTransaction: true,
      files: [{ file: '<stdin>', statementCount: 1 }],
    });
  });

  it('--format json writes rule metadata once and each statement text once per file', async () => {
    const sql = 'ALTER TABLE users ALTER COLUMN name TYPE varchar(100);\nCREATE INDEX users_name_idx ON users (name);';
    const result = await run(['-', '--format', 'json', '--rows', 'users=5000000'], sql);
    expect(result.code).toBe(1);
    interface JsonFinding {
      ruleId: string;
      severity: string;
      message: string;
      statementIndex: number;
      span: { start: { line: number } };
      locks?: Array<{ mode: string }>;
      why?: string;
      title?: string;
      fix?: { steps: Array<{ sql: string }> };
    }
    const parsed = JSON.parse(result.out) as {
      rules: Record<
        string,
        {
          title: string;
          why: string;
          safeAlternative: string;
          locks: Array<{ mode: string }>;
          rewritesTable: boolean;
          docs: string;
        }
      >;
      files: Array<{ findings: JsonFinding[]; statements: Record<string, string> }>;
    };
    const file = parsed.files[0];
    const findings = file?.findings ?? [];
    const index = findings.find((finding) => finding.ruleId === 'require-concurrent-index-creation');
    expect(index).toMatchObject({ severity: 'error', statementIndex: 1, span: { start: { line: 2 } } });
    expect(index?.fix?.steps.map((step) => step.sql).join('\n')).toContain('CREATE INDEX CONCURRENTLY');
    // The rule's metadata lives in `rules`, not in every finding.
    expect(index).not.toHaveProperty('why');
    expect(index).not.toHaveProperty('title');
    const rule = parsed.rules['require-concurrent-index-creation'];
    expect(rule?.title).toBeTruthy();
    expect(rule?.why).toContain('CREATE INDEX');
    expect(rule?.safeAlternative).toContain('CONCURRENTLY');
    expect(rule?.locks.map((lock) => lock.mode)).toEqual(['SHARE']);
    expect(rule?.docs).toBe('docs/rules/require-concurrent-index-creation.md');
    // Every finding's rule is described, and every finding's statement text is there once.
    for (const finding of findings) expect(parsed.rules[finding.ruleId]).toBeDefined();
    expect(file?.statements).toEqual({
      '0': 'ALTER TABLE users ALTER COLUMN name TYPE varchar(100)',
      '1': 'CREATE INDEX users_name_idx ON users (name)',
    });
  });

  it("--format json keeps a finding's own lock when it differs from its rule's", async () => {
    const result = await run(
      ['-', '--format', 'json', '--rows', 'users=5000000'],
      'REFRESH MATERIALIZED VIEW CONCURRENTLY users;',
    );
    const parsed = JSON.parse(result.out) as {
      rules: Record<string, { locks: unknown[]; scansTable: boolean }>;
      files: Array<{ findings: Array<{ ruleId: string; locks?: unknown[]; scansTable?: boolean }> }>;
    };
    const large = parsed.files[0]?.findings.find((finding) => finding.ruleId === 'large-table-lock');
    expect(large?.locks).toEqual([{ mode: 'EXCLUSIVE', on: 'materialized view', blocks: 'writes' }]);
    // What equals the rule's entry is not repeated.
    expect(large).not.toHaveProperty('scansTable');
    expect(parsed.rules['large-table-lock']).toMatchObject({
      locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
      scansTable: true,
    });
    const timeout = parsed.files[0]?.findings.find((finding) => finding.ruleId === 'require-lock-timeout');
    expect(timeout).toBeDefined();
    expect(timeout).not.toHaveProperty('locks');
  });

  it('--explain prints the documentation of a rule; unknown rules exit 2', async () => {
    const result = await run(['--explain', 'unknown-column']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('unknown-column — Statement refers to a column that does not exist');
    expect(result.out).toContain('Why:');
    expect(result.out).toContain('Ignore once: -- dma-ignore unknown-column');
    const bad = await run(['--explain', 'unknown']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Did you mean');
    const list = await run(['--list-rules']);
    expect(list.out).toContain('large-table-lock');
  });

  it('--history makes earlier tables known, so wrong names are caught', async () => {
    const result = await run(
      ['-', '--history', 'migrations/001_users/up.sql'],
      'ALTER TABLE userz ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON users (emial);',
    );
    expect(result.code).toBe(1);
    expect(result.out).toContain('<stdin>:1:1: error[unknown-table]');
    expect(result.out).toContain('<stdin>:2:1: error[unknown-column] Column emial does not exist in table users');
  });

  it('renders every format', async () => {
    const args = ['migrations/003_email_index.sql', '--rows', 'users=5000000'];
    const sarif = JSON.parse((await run([...args, '--format', 'sarif'])).out) as {
      version: string;
      runs: Array<{
        results: Array<{
          ruleId: string;
          level: string;
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
        }>;
        tool: { driver: { rules: Array<{ id: string }> } };
      }>;
    };
    expect(sarif.version).toBe('2.1.0');
    const first = sarif.runs[0]?.results[0];
    expect(first?.level).toBe('error');
    expect(first?.locations[0]?.physicalLocation).toMatchObject({
      artifactLocation: { uri: 'migrations/003_email_index.sql' },
      region: { startLine: 2 },
    });
    expect(sarif.runs[0]?.tool.driver.rules.map((rule) => rule.id)).toContain(first?.ruleId);

    const github = (await run([...args, '--format', 'github'])).out;
    expect(github).toMatch(
      /^::error file=migrations\/003_email_index\.sql,line=2,col=1,endLine=2,endColumn=\d+,title=[^:]+%3A [^\n]+::/m,
    );
    expect(github).toContain('Risk: HIGH');

    const markdown = (await run([...args, '--format', 'markdown'])).out;
    expect(markdown).toContain('## Migration safety check');
    expect(markdown).toContain('**Risk: HIGH**');
    expect(markdown).toContain('| Line | Severity | Rule | Finding | Lock |');
    expect(markdown).toContain('- [ ] No long locks on large tables — **fail**');
  });

  it.skipIf(!existsSync(path.join(REPO, 'dist/bundle/bin.js')))(
    'runs as a built binary (node dist/bundle/bin.js check)',
    () => {
      const child = spawnSync(
        process.execPath,
        [path.join(REPO, 'dist/bundle/bin.js'), 'check', 'migrations', '--format', 'json', '--rows', 'users=5000000'],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      expect(child.status).toBe(1);
      const parsed = JSON.parse(child.stdout) as { risk: string; files: unknown[] };
      expect(parsed.risk).toBe('HIGH');
      expect(parsed.files).toHaveLength(3);
    },
  );

  it.skipIf(!existsSync(path.join(REPO, 'dist/bundle/bin.js')))(
    'keeps its exit code and prints no stack trace when the reader closes the pipe early (| head)',
    async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'dma-epipe-'));
      try {
        // Far more output than a pipe buffers, so the writes after the reader left fail with EPIPE.
        const sql = Array.from({ length: 3000 }, (_, i) => `CREATE INDEX orders_${i}_idx ON orders (c_${i});`);
        writeFileSync(path.join(folder, 'many.sql'), `${sql.join('\n')}\n`);
        const child = spawn(
          process.execPath,
          [path.join(REPO, 'dist/bundle/bin.js'), 'check', 'many.sql', '--fail-on', 'warning'],
          {
            cwd: folder,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let received = 0;
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => {
          received += chunk.length;
          child.stdout.destroy();
        });
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk;
        });
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        expect(received).toBeGreaterThan(0);
        expect(stderr).toBe('');
        expect(code).toBe(1);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );
});
