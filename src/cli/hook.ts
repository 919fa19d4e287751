import path from 'node:path';
import { UserError } from '../errors.js';
import { parseCommandArgs, refusePositionals } from './args.js';
import type { CliCommand, CliIO } from './command.js';

const HELP = `Usage: db-migration-agent hook <claude-code|pre-commit|install|uninstall> [options]

Guard rails where migrations are applied or committed.

  hook claude-code    Claude Code PreToolUse hook (reads the hook JSON on standard input). A Bash command that
                      applies migrations or runs DDL (prisma migrate deploy, knex migrate:latest, psql -f …) is
                      checked first and blocked (exit 2, reason on stderr) on a failing CI verdict, HIGH risk or a
                      migration without a working rollback; resets and drops (prisma migrate reset, drizzle-kit push
                      --force, DROP DATABASE …) are blocked unless DB_MIGRATION_AGENT_ALLOW_RESET=1. When the check
                      cannot run, the command is allowed with a note (fails open). Environment, set by the user:
                        DB_MIGRATION_AGENT_ALLOW_RESET=1   allow resets and drops
                        DB_MIGRATION_AGENT_ALLOW_RISK=1    allow migrations the check would block
                        DB_MIGRATION_AGENT_EXECUTE=1       compile code migrations in the sandbox to check them
                        DB_MIGRATION_AGENT_BASE=<ref>      pending = changed since <ref> (default: origin/HEAD, else HEAD)
                        DB_MIGRATION_AGENT_HOOK_TIMEOUT=<s> give up (and allow) after s seconds (default 45)
  hook pre-commit     Checks the migrations staged for commit; exit 1 when they fail (the CI verdict).
  hook install        Adds the pre-commit check to .husky/pre-commit when Husky is used, else to git's
                      pre-commit hook. Another tool's hook is kept: the check is appended to it.
  hook uninstall      Removes what install added (the file too, when nothing else is left in it).

Options:
  --root <dir>        project root (default: the current directory)
  --fail-on <level>   pre-commit: error (default), warning or info
  --execute           pre-commit: compile code migrations in the sandbox (runs project code, isolated)
  --force             install: replace another tool's hook instead of appending to it
  --command <cmd>     install: the command the hook runs (default: npx --yes db-migration-agent hook pre-commit)

Examples:
  db-migration-agent hook install
  db-migration-agent hook pre-commit --fail-on warning`;

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('hook', args, {
    root: { type: 'string' },
    'fail-on': { type: 'string' },
    execute: { type: 'boolean' },
    force: { type: 'boolean' },
    command: { type: 'string' },
  });
  const [action, ...rest] = positionals;
  refusePositionals(`hook ${action ?? ''}`.trim(), rest, 'Run: db-migration-agent hook --help');
  const root = path.resolve(io.cwd, values.root ?? '.');
  switch (action) {
    case 'claude-code': {
      // Exit code 2 blocks the command in Claude Code: an unexpected failure here must allow it instead.
      try {
        const { claudeCodeHook } = await import('../guard/claude-code-hook.js');
        const outcome = await claudeCodeHook(await readStdin(io.stdin), io.env, root);
        io.stdout.write(outcome.stdout);
        io.stderr.write(outcome.stderr);
        return outcome.exitCode;
      } catch (error) {
        const systemMessage = `db-migration-agent could not check this command (${(error as Error).message.split('\n')[0]}); it was allowed unchecked (the hook fails open).`;
        io.stdout.write(`${JSON.stringify({ systemMessage })}\n`);
        return 0;
      }
    }
    case 'pre-commit':
      return preCommit(root, values, io);
    case 'install':
    case 'uninstall': {
      const { installPreCommit, uninstallPreCommit } = await import('../guard/git-hooks.js');
      const change =
        action === 'install'
          ? await installPreCommit(root, {
              ...(values.force ? { force: true } : {}),
              ...(values.command ? { command: values.command } : {}),
            })
          : await uninstallPreCommit(root);
      io.stdout.write(`${path.relative(root, change.file) || change.file}: ${change.action} (${change.via} hook)\n`);
      return 0;
    }
    default:
      throw new UserError(
        'usage',
        action ? `Unknown hook action '${action}'.` : 'hook needs an action.',
        'Use one of: claude-code, pre-commit, install, uninstall (db-migration-agent hook --help).',
      );
  }
}

async function preCommit(root: string, values: { 'fail-on'?: string; execute?: boolean }, io: CliIO): Promise<number> {
  const [{ checkBeforeApply, FAIL_LEVELS }, { renderVerdict }] = await Promise.all([
    import('../guard/check-before-apply.js'),
    import('../guard/render.js'),
  ]);
  const failOn = values['fail-on'] ?? 'error';
  if (!(FAIL_LEVELS as readonly string[]).includes(failOn))
    throw new UserError('usage', `Unknown --fail-on level "${failOn}".`, 'Use error, warning or info.');
  const verdict = await checkBeforeApply({
    root,
    scope: { kind: 'staged' },
    failOn: failOn as (typeof FAIL_LEVELS)[number],
    executeProjectCode: values.execute === true,
  });
  if (verdict.migrations.length === 0 && verdict.verdict === 'pass') return 0;
  const { unstagedAmong } = await import('../guard/changed-files.js');
  const edited = await unstagedAmong(
    root,
    verdict.migrations.map((migration) => migration.path),
  );
  const note =
    edited.length > 0
      ? `note: ${edited.join(', ')} changed after it was staged; the working-tree version was checked. Stage it (git add) so the commit holds what was checked.\n`
      : '';
  const text = `${renderVerdict(verdict)}\n${note}`;
  if (verdict.verdict === 'fail') {
    io.stderr.write(`${text}Commit refused by db-migration-agent (git commit --no-verify skips it).\n`);
    return 1;
  }
  io.stdout.write(text);
  return 0;
}

export const hookCommand: CliCommand = {
  help: HELP,
  run,
};
