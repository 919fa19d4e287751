import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DROP_COLUMN_MIGRATION,
  type GitProject,
  GOLANG_MIGRATE_BASE,
  gitProject,
  SAFE_MIGRATION,
} from '../helpers/git-project.js';

/**
 * The Claude Code PreToolUse hook as Claude Code runs it: the built CLI (and the plugin's guard script in front of
 * it) spawned with the hook JSON on standard input, in real git repositories holding golang-migrate migrations.
 */

const REPO = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(REPO, 'dist/bundle/bin.js');
const GUARD = path.join(REPO, 'integrations/claude-code/hooks/guard.mjs');
const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith('DB_MIGRATION_AGENT_')),
) as NodeJS.ProcessEnv;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function hookInput(command: string, cwd: string): string {
  return JSON.stringify({
    session_id: 'test',
    transcript_path: '/tmp/transcript.jsonl',
    cwd,
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command, description: 'run it' },
  });
}

function runHook(stdin: string, cwd: string, env: NodeJS.ProcessEnv = {}): Outcome {
  const run = spawnSync(process.execPath, [BIN, 'hook', 'claude-code'], {
    cwd,
    input: stdin,
    encoding: 'utf8',
    env: { ...CLEAN_ENV, ...env },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function runGuard(stdin: string, cwd: string, env: NodeJS.ProcessEnv): Outcome {
  const run = spawnSync(process.execPath, [GUARD], {
    cwd,
    input: stdin,
    encoding: 'utf8',
    env: { ...CLEAN_ENV, ...env },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function committedProject(): GitProject {
  const project = gitProject(GOLANG_MIGRATE_BASE, 'dma-hook-');
  project.git('add', '-A');
  project.git('commit', '-q', '-m', 'users');
  return project;
}

const APPLY = 'migrate -path db/migrations -database "$DATABASE_URL" up';

describe.skipIf(!existsSync(BIN))('db-migration-agent hook claude-code', () => {
  let safe: GitProject;
  let risky: GitProject;
  beforeAll(() => {
    safe = committedProject();
    safe.write(SAFE_MIGRATION);
    risky = committedProject();
    risky.write(DROP_COLUMN_MIGRATION);
  });

  it('blocks applying a migration that drops a column: exit 2, the reason and the next step on stderr', () => {
    const outcome = runHook(hookInput(APPLY, risky.root), risky.root);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^db-migration-agent blocked `migrate up`: the migrations fail the CI check/);
    expect(outcome.stderr).toMatch(/000003_drop_email\.up\.sql: drop-column/);
    expect(outcome.stderr).toMatch(/Next: Do not apply/);
    expect(outcome.stderr).toMatch(/DB_MIGRATION_AGENT_ALLOW_RISK=1/);
  });

  it('allows applying a safe migration with its down, with a one-line note', () => {
    const outcome = runHook(hookInput(APPLY, safe.root), safe.root);
    expect(outcome.code).toBe(0);
    expect(JSON.parse(outcome.stdout)).toEqual({
      systemMessage: expect.stringMatching(/^db-migration-agent: 1 pending migration\(s\) pass/),
    });
  });

  it('blocks a migration without a down, which CI alone would pass', () => {
    const project = committedProject();
    project.write({ 'db/migrations/000002_note.up.sql': 'ALTER TABLE users ADD COLUMN note text;\n' });
    const outcome = runHook(hookInput(APPLY, project.root), project.root);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/no working rollback for db\/migrations\/000002_note\.up\.sql/);
  });

  it('checks the file psql is given', () => {
    const project = committedProject();
    writeFileSync(path.join(project.root, 'change.sql'), 'ALTER TABLE users DROP COLUMN email;\n');
    const outcome = runHook(hookInput('psql "$DATABASE_URL" -f change.sql', project.root), project.root);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/change\.sql: drop-column/);
  });

  it('checks the DDL psql -c is given', () => {
    const outcome = runHook(
      hookInput('psql "$DATABASE_URL" -c "ALTER TABLE users DROP COLUMN email"', safe.root),
      safe.root,
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/<command>: drop-column/);
  });

  it('lets code migrations it may not compile through with a note, and checks them with DB_MIGRATION_AGENT_EXECUTE=1', () => {
    const knex = gitProject({}, 'dma-hook-knex-');
    cpSync(path.join(REPO, 'test/fixtures/plan-rollback-knex'), knex.root, { recursive: true });
    knex.git('add', '-A', '--', ':!migrations/20240102000000_drop_nickname.js');
    knex.git('commit', '-q', '-m', 'accounts');
    const command = hookInput('npx knex migrate:latest', knex.root);
    const unchecked = runHook(command, knex.root);
    expect(unchecked.code).toBe(0);
    expect(JSON.parse(unchecked.stdout).systemMessage).toMatch(
      /did not check migrations\/20240102000000_drop_nickname\.js: .*DB_MIGRATION_AGENT_EXECUTE=1.*allowed unchecked/,
    );
    const checked = runHook(command, knex.root, { DB_MIGRATION_AGENT_EXECUTE: '1' });
    expect(checked.code).toBe(2);
    expect(checked.stderr).toMatch(/drop_nickname\.js: drop-column/);
  });

  it('lets an unrelated command through silently', () => {
    const outcome = runHook(hookInput('git status && npm test', risky.root), risky.root);
    expect(outcome).toEqual({ code: 0, stdout: '', stderr: '' });
    const edit = runHook(JSON.stringify({ tool_name: 'Edit', tool_input: { file_path: 'x' } }), risky.root);
    expect(edit).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('blocks a reset unless the user allowed it in the environment; a prefix on the command does not count', () => {
    const blocked = runHook(hookInput('npx prisma migrate reset --force', safe.root), safe.root);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/blocked `prisma migrate reset`: it drops the database/);
    expect(blocked.stderr).toMatch(/DB_MIGRATION_AGENT_ALLOW_RESET=1/);
    const prefixed = runHook(
      hookInput('DB_MIGRATION_AGENT_ALLOW_RESET=1 npx prisma migrate reset --force', safe.root),
      safe.root,
    );
    expect(prefixed.code).toBe(2);
    const allowed = runHook(hookInput('npx prisma migrate reset --force', safe.root), safe.root, {
      DB_MIGRATION_AGENT_ALLOW_RESET: '1',
    });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/allowed `prisma migrate reset`/);
  });

  it('fails open, saying so, when it cannot check', () => {
    const garbled = runHook('not json', risky.root);
    expect(garbled.code).toBe(0);
    expect(JSON.parse(garbled.stdout).systemMessage).toMatch(/could not check this command .*allowed unchecked/);
    for (const odd of ['null', '[]', '{"tool_name":"Bash","tool_input":null}']) {
      const outcome = runHook(odd, risky.root);
      expect(outcome.code, odd).toBe(0);
      expect(outcome.stderr, odd).toBe('');
    }
    expect(JSON.parse(runHook('null', risky.root).stdout).systemMessage).toMatch(/allowed unchecked/);
    const badBase = runHook(hookInput(APPLY, risky.root), risky.root, { DB_MIGRATION_AGENT_BASE: 'no-such-branch' });
    expect(badBase.code).toBe(0);
    expect(JSON.parse(badBase.stdout).systemMessage).toMatch(
      /could not check this command \(the check failed: .*no-such-branch/,
    );
  });

  it('through the plugin guard script: blocks, passes unrelated commands without starting the CLI, and fails open', () => {
    const env = { DB_MIGRATION_AGENT_BIN: BIN };
    const blocked = runGuard(hookInput(APPLY, risky.root), risky.root, env);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/drop-column/);
    const unrelated = runGuard(hookInput('ls -la', risky.root), risky.root, { DB_MIGRATION_AGENT_BIN: '/nonexistent' });
    expect(unrelated).toEqual({ code: 0, stdout: '', stderr: '' });
    // An installed CLI too old to know `hook` exits 2 with a usage error: that must not block.
    const old = path.join(risky.root, 'old-cli.mjs');
    writeFileSync(old, 'process.stderr.write("db-migration-agent: unknown command \'hook\'.\\n");\nprocess.exit(2);\n');
    const tooOld = runGuard(hookInput(APPLY, risky.root), risky.root, { DB_MIGRATION_AGENT_BIN: old });
    expect(tooOld.code).toBe(0);
    expect(JSON.parse(tooOld.stdout).systemMessage).toMatch(
      /exited with 2: db-migration-agent: unknown command 'hook'/,
    );
    const broken = runGuard(hookInput(APPLY, risky.root), risky.root, {
      DB_MIGRATION_AGENT_BIN: '/nonexistent/bin.js',
    });
    expect(broken.code).toBe(0);
    expect(JSON.parse(broken.stdout).systemMessage).toMatch(/could not check .*exited with 1.*allowed unchecked/);
  });
});
