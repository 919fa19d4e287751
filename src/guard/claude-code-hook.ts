import path from 'node:path';
import { UserError } from '../errors.js';
import { isInside } from '../root.js';
import type { ApplyCheck } from './check-before-apply.js';
import { classifyCommand } from './shell-commands.js';

/**
 * Claude Code's PreToolUse hook on Bash: a command that applies migrations or runs DDL is checked first (the CI
 * verdict of check_before_apply) and blocked — exit code 2, the reason and the next step on stderr, which Claude
 * reads — on a failing verdict, HIGH risk, or a migration without a working way back; a command that resets or
 * drops the database is blocked unless the user set ALLOW_RESET in Claude Code's environment (a prefix on the
 * command itself does not count: it never reaches the hook). When the check cannot run, the command is allowed
 * and a note says so (fails open): a broken guard must not stop the agent's work.
 */

export const HOOK_ENV = {
  /** "1": the user allows resets and drops. */
  allowReset: 'DB_MIGRATION_AGENT_ALLOW_RESET',
  /** "1": the user accepts a HIGH-risk or failing migration. */
  allowRisk: 'DB_MIGRATION_AGENT_ALLOW_RISK',
  /** "1": code migrations (knex, TypeORM, Alembic …) may be compiled in the sandbox to check them. */
  execute: 'DB_MIGRATION_AGENT_EXECUTE',
  /** A git ref: pending = changed since it (default: origin's default branch, else the last commit). */
  base: 'DB_MIGRATION_AGENT_BASE',
  /** Seconds the check may take before the hook gives up and allows (default 45). */
  timeout: 'DB_MIGRATION_AGENT_HOOK_TIMEOUT',
} as const;

export interface HookOutcome {
  exitCode: 0 | 2;
  stdout: string;
  stderr: string;
}

interface PreToolUseInput {
  tool_name?: string;
  tool_input?: { command?: unknown };
  cwd?: string;
}

const DEFAULT_TIMEOUT_SECONDS = 45;

export async function claudeCodeHook(stdin: string, env: NodeJS.ProcessEnv, cwd: string): Promise<HookOutcome> {
  let input: PreToolUseInput;
  try {
    input = JSON.parse(stdin) as PreToolUseInput;
  } catch {
    return failOpen('its input was not the JSON Claude Code sends to a PreToolUse hook');
  }
  const command = input.tool_input?.command;
  if (input.tool_name !== 'Bash' || typeof command !== 'string') return allow();
  const root = path.resolve(cwd, input.cwd ?? '.');
  const intent = classifyCommand(command, root);
  if (intent.kind === 'other') return allow();
  if (intent.kind === 'reset') {
    if (env[HOOK_ENV.allowReset] === '1')
      return allow(`db-migration-agent: allowed \`${intent.what}\` (${HOOK_ENV.allowReset}=1).`);
    return block(
      [
        `db-migration-agent blocked \`${intent.what}\`: it drops the database or all of its data.`,
        "Next: do not reset. To bring the schema up to date, call check_before_apply and run the project's migrate command; to undo one migration, use rollback_plan.",
        `Only if the user explicitly asks for a reset: they set ${HOOK_ENV.allowReset}=1 in the environment Claude Code runs in (a prefix on this command does not count).`,
      ].join('\n'),
    );
  }
  // Loaded only for a command that applies migrations: every other command is answered in a few milliseconds.
  const [{ checkBeforeApply }, { renderVerdict }] = await Promise.all([
    import('./check-before-apply.js'),
    import('./render.js'),
  ]);
  let check: ApplyCheck;
  try {
    check = await withTimeout(
      (signal) =>
        checkBeforeApply({
          root: intent.cwd,
          ...sqlFiles(intent.files, intent.cwd),
          ...(intent.sql !== undefined ? { sql: intent.sql } : {}),
          ...(env[HOOK_ENV.base] ? { scope: { kind: 'working-tree', base: env[HOOK_ENV.base] as string } } : {}),
          executeProjectCode: env[HOOK_ENV.execute] === '1',
          signal,
        }),
      timeoutSeconds(env),
    );
  } catch (error) {
    const what = error instanceof UserError ? error.what : (error as Error).message;
    return failOpen(`the check failed: ${what.split('\n')[0]}`);
  }
  // Code migrations not compiled for want of consent are let through with a note; the rest is still judged.
  const consentOnly = check.needsConsent.length > 0 && !check.failsBeyondConsent;
  const problems = blockingProblems(check, consentOnly);
  if (consentOnly && problems.length === 0)
    return allow(
      `db-migration-agent did not check ${check.needsConsent.join(', ')}: code migrations are compiled only with consent (set ${HOOK_ENV.execute}=1, or call check_before_apply with executeProjectCode: true). The command was allowed unchecked.`,
    );
  if (problems.length === 0)
    return allow(
      check.migrations.length === 0
        ? undefined
        : `db-migration-agent: ${check.migrations.length} pending migration(s) pass (risk ${check.risk}).`,
    );
  if (env[HOOK_ENV.allowRisk] === '1')
    return allow(`db-migration-agent: allowed despite ${problems.join('; ')} (${HOOK_ENV.allowRisk}=1).`);
  return block(
    [
      `db-migration-agent blocked \`${intent.what}\`: ${problems.join('; ')}.`,
      renderVerdict(check),
      `If the user accepts this risk after reading it, they set ${HOOK_ENV.allowRisk}=1 in the environment Claude Code runs in.`,
    ].join('\n'),
  );
}

/** Why the hook stops the command: the CI verdict, then what CI lets through but the agent should not run blindly. */
function blockingProblems(check: ApplyCheck, consentOnly: boolean): string[] {
  const problems: string[] = [];
  if (check.verdict === 'fail' && !consentOnly) problems.push('the migrations fail the CI check');
  else if (check.checkedRisk === 'HIGH') problems.push('HIGH risk (data loss or a long lock)');
  const noWayBack = check.migrations.filter(
    (migration) => migration.rollback === 'missing' || migration.rollback === 'failed',
  );
  if (noWayBack.length > 0)
    problems.push(
      `no working rollback for ${noWayBack.map((migration) => migration.path).join(', ')} (write its down migration; rollback_plan derives one)`,
    );
  return problems;
}

/** `psql -f x.sql`: the file itself is what is about to run, when it is inside the project. */
function sqlFiles(files: string[], root: string): { paths?: string[] } {
  const inside = files
    .map((file) => path.resolve(root, file))
    .filter((file) => isInside(root, file))
    .map((file) => path.relative(root, file).split(path.sep).join('/'));
  return inside.length > 0 ? { paths: inside } : {};
}

function timeoutSeconds(env: NodeJS.ProcessEnv): number {
  const given = Number(env[HOOK_ENV.timeout]);
  return Number.isFinite(given) && given > 0 ? given : DEFAULT_TIMEOUT_SECONDS;
}

async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, seconds: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`it did not finish within ${seconds} s (${HOOK_ENV.timeout})`));
    }, seconds * 1000);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function allow(note?: string): HookOutcome {
  return { exitCode: 0, stdout: note ? `${JSON.stringify({ systemMessage: note })}\n` : '', stderr: '' };
}

function block(reason: string): HookOutcome {
  return { exitCode: 2, stdout: '', stderr: `${reason}\n` };
}

function failOpen(why: string): HookOutcome {
  return allow(
    `db-migration-agent could not check this command (${why}); it was allowed unchecked (the hook fails open).`,
  );
}
