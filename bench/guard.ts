import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, round, timeRuns } from './stats.js';
import type { BenchResult } from './types.js';

/**
 * The guard rails run in the agent's loop, so they must cost little: the Claude Code hook on a command that is not
 * a migration (every `ls` and `git status` pays it), the hook on a migrate command (the check of one pending
 * migration, CLI start included), and the pre-commit check with one staged migration. Each is a whole process, as
 * Claude Code and git start it, on a golang-migrate repository of 30 committed migrations and one new one.
 */

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const BIN = path.join(REPO, 'dist', 'bundle', 'bin.js');
const GUARD = path.join(REPO, 'integrations', 'claude-code', 'hooks', 'guard.mjs');
const RUNS = 7;
const COMMITTED = 30;

function repository(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dma-bench-guard-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=bench', ...args], { cwd: root });
  mkdirSync(path.join(root, 'db/migrations'), { recursive: true });
  writeFileSync(
    path.join(root, 'go.mod'),
    'module x\n\ngo 1.21\n\nrequire github.com/golang-migrate/migrate/v4 v4.17.0\n',
  );
  for (let index = 1; index <= COMMITTED; index++) {
    const id = String(index).padStart(6, '0');
    writeFileSync(
      path.join(root, `db/migrations/${id}_t${index}.up.sql`),
      `CREATE TABLE t${index} (id bigint PRIMARY KEY, name text);\n`,
    );
    writeFileSync(path.join(root, `db/migrations/${id}_t${index}.down.sql`), `DROP TABLE t${index};\n`);
  }
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'history');
  const next = String(COMMITTED + 1).padStart(6, '0');
  writeFileSync(path.join(root, `db/migrations/${next}_note.up.sql`), 'ALTER TABLE t1 ADD COLUMN note text;\n');
  writeFileSync(path.join(root, `db/migrations/${next}_note.down.sql`), 'ALTER TABLE t1 DROP COLUMN note;\n');
  return root;
}

function runProcess(args: string[], cwd: string, input: string, ok: number[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      ok.includes(code ?? -1) ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}: ${err}`)),
    );
    child.stdin.end(input);
  });
}

function hookInput(command: string, cwd: string): string {
  return JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, cwd });
}

export async function run(): Promise<BenchResult[]> {
  const root = repository();
  try {
    const bareNode = await timeRuns(RUNS, () => runProcess(['-e', ''], root, '', [0]));
    const unrelated = await timeRuns(RUNS, () => runProcess([GUARD], root, hookInput('git status', root), [0]));
    const npmTest = await timeRuns(RUNS, () =>
      runProcess([BIN, 'hook', 'claude-code'], root, hookInput('npm test', root), [0]),
    );
    const version = await timeRuns(RUNS, () => runProcess([BIN, '--version'], root, '', [0]));
    const migrate = await timeRuns(RUNS, () =>
      runProcess(
        [BIN, 'hook', 'claude-code'],
        root,
        hookInput('migrate -path db/migrations -database "$DB" up', root),
        [0],
      ),
    );
    execFileSync('git', ['add', '-A'], { cwd: root });
    const preCommit = await timeRuns(RUNS, () => runProcess([BIN, 'hook', 'pre-commit'], root, '', [0]));
    return [
      {
        name: 'Claude Code hook, a command that is not a migration (guard script only)',
        unit: 'ms',
        median: round(median(unrelated)),
        runs: RUNS,
        ratio: median(unrelated) / median(bareNode),
        peer: 'node -e ""',
        // The guard must cost no more than starting Node itself, whatever the machine's load.
        target: round(median(bareNode) * 1.3),
        note: `target: 1.3 × a bare \`node -e ""\` start on this machine (${round(median(bareNode))} ms)`,
      },
      {
        name: 'Claude Code hook CLI, a command the guard script passes on (npm test)',
        unit: 'ms',
        median: round(median(npmTest)),
        runs: RUNS,
        ratio: median(npmTest) / median(version),
        peer: 'db-migration-agent --version',
        target: round(median(version) * 1.5),
        note: `target: 1.5 × the CLI's own start (--version, ${round(median(version))} ms here)`,
      },
      {
        name: `Claude Code hook, migrate up with 1 pending of ${COMMITTED + 1} migrations (CLI + check)`,
        unit: 'ms',
        median: round(median(migrate)),
        runs: RUNS,
        target: 2000,
      },
      {
        name: 'pre-commit check, 1 staged migration',
        unit: 'ms',
        median: round(median(preCommit)),
        runs: RUNS,
        target: 2000,
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
