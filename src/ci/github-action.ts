import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { type ChangeScope, changedFiles } from '../guard/changed-files.js';
import { FAIL_LEVELS, type FailLevel } from '../guard/check-before-apply.js';
import { migrationsAmong } from '../guard/pending.js';
import { resolveInsideRoot } from '../root.js';
import { commentBody, type GithubTarget, upsertComment } from './github-comment.js';

/**
 * What the GitHub Action (action.yml) runs: the migrations a pull request changes (base...head of the event
 * payload; a push checks before...after), checked once into three outputs — workflow annotations on the job log,
 * a SARIF file for code scanning, and a Markdown report posted as the pull request's one comment of ours (created,
 * then updated) — and the exit code of `check --fail-on`. Inputs come as INPUT_* variables (set by action.yml).
 */

export interface ActionIO {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

interface EventPayload {
  pull_request?: { number?: number; base?: { sha?: string }; head?: { sha?: string } };
  before?: string;
  after?: string;
}

interface ActionInputs {
  failOn: FailLevel;
  paths: string[];
  sarif?: string;
  comment: boolean;
  execute: boolean;
  root: string;
  /** The project folder inside the repository ('' at its top): annotations and SARIF name files from the top. */
  prefix: string;
}

export async function runGithubAction(io: ActionIO): Promise<number> {
  const inputs = readInputs(io.env);
  const event = readEvent(io.env);
  const pullRequest = event.pull_request?.number;
  const scope = changeScope(event);
  const paths =
    inputs.paths.length > 0
      ? inputs.paths
      : scope
        ? migrationsAmong(inputs.root, await changedFiles(inputs.root, scope)).map((migration) => migration.path)
        : ['.'];
  const target = githubTarget(io.env, pullRequest);
  if (paths.length === 0) {
    io.stdout.write('db-migration-agent: this change touches no migration.\n');
    if (target && inputs.comment)
      await comment(io, target, '## Migration safety check\n\nNo migration changed since the last check.\n', true);
    output(io.env, { verdict: 'pass', risk: 'NONE' });
    return 0;
  }
  const [{ streamMigrations }, format, { ruleCatalog }, { TeeReportWriter }] = await Promise.all([
    import('../safety/validate.js'),
    import('../safety/format.js'),
    import('../safety/safety-engines.js'),
    import('../safety/output/tee.js'),
  ]);
  const rules = ruleCatalog();
  let markdown = '';
  let sarif = '';
  const writer = new TeeReportWriter([
    format.reportWriter('github', (chunk) => io.stdout.write(fromRepositoryTop(chunk, inputs.prefix)), rules),
    format.reportWriter(
      'markdown',
      (chunk) => {
        markdown += chunk;
      },
      rules,
    ),
    format.reportWriter(
      'sarif',
      (chunk) => {
        sarif += chunk;
      },
      rules,
    ),
  ]);
  const { result } = await streamMigrations(
    { root: inputs.root, paths, executeProjectCode: inputs.execute, check: {} },
    writer,
  );
  writer.finish(result);
  if (inputs.sarif) writeFileSync(resolveInsideRoot(inputs.root, inputs.sarif), sarifFromTop(sarif, inputs.prefix));
  const stepSummary = io.env.GITHUB_STEP_SUMMARY;
  if (stepSummary) appendFileSync(stepSummary, markdown);
  if (target && inputs.comment) await comment(io, target, markdown, false);
  const threshold = FAIL_LEVELS.indexOf(inputs.failOn);
  const failing = result.files.some((report) =>
    FAIL_LEVELS.some((level, rank) => rank <= threshold && report.counts[level] > 0),
  );
  const code = result.errors.length > 0 || result.risk === 'NOT FULLY CHECKED' ? 2 : failing ? 1 : 0;
  output(io.env, {
    verdict: code === 0 ? 'pass' : 'fail',
    risk: result.risk,
    ...(inputs.sarif ? { sarif: inputs.sarif } : {}),
  });
  return code;
}

function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const failOn = (env.INPUT_FAIL_ON || 'error') as FailLevel;
  if (!FAIL_LEVELS.includes(failOn))
    throw new UserError('usage', `fail-on: "${failOn}" is not a level.`, 'Use error, warning or info.');
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  return {
    failOn,
    paths: (env.INPUT_PATHS ?? '')
      .split(/[\n,]/)
      .map((each) => each.trim())
      .filter((each) => each.length > 0),
    ...(env.INPUT_SARIF ? { sarif: env.INPUT_SARIF } : {}),
    comment: (env.INPUT_COMMENT ?? 'true') !== 'false',
    execute: env.INPUT_EXECUTE === 'true',
    root: path.resolve(workspace, env.INPUT_WORKING_DIRECTORY || '.'),
    prefix: path
      .relative(workspace, path.resolve(workspace, env.INPUT_WORKING_DIRECTORY || '.'))
      .split(path.sep)
      .filter((part) => part.length > 0)
      .map((part) => `${part}/`)
      .join(''),
  };
}

function readEvent(env: NodeJS.ProcessEnv): EventPayload {
  if (!env.GITHUB_EVENT_PATH) return {};
  try {
    return JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as EventPayload;
  } catch (error) {
    throw new UserError(
      'bad-event',
      `The event payload ${env.GITHUB_EVENT_PATH} could not be read: ${(error as Error).message}`,
      'Run the action from a GitHub workflow (it sets GITHUB_EVENT_PATH), or pass `paths`.',
    );
  }
}

/** Which commits the change spans: a pull request's base...head, a push's before...after; none otherwise. */
function changeScope(event: EventPayload): ChangeScope | undefined {
  const base = event.pull_request?.base?.sha;
  const head = event.pull_request?.head?.sha;
  if (base && head) return { kind: 'range', base, head };
  if (event.before && event.after && !/^0+$/.test(event.before))
    return { kind: 'range', base: event.before, head: event.after };
  return undefined;
}

function githubTarget(env: NodeJS.ProcessEnv, issue: number | undefined): GithubTarget | undefined {
  if (issue === undefined || !env.GITHUB_TOKEN || !env.GITHUB_REPOSITORY) return undefined;
  return {
    api: env.GITHUB_API_URL || 'https://api.github.com',
    token: env.GITHUB_TOKEN,
    repository: env.GITHUB_REPOSITORY,
    issue,
  };
}

/**
 * A comment that cannot be posted (a fork's read-only token) is a warning, never the job's failure. `onlyIfPresent`:
 * nothing is said on a pull request never commented on, but an earlier report is replaced so it does not go stale.
 */
async function comment(io: ActionIO, target: GithubTarget, markdown: string, onlyIfPresent: boolean): Promise<void> {
  try {
    const action = await upsertComment(target, commentBody(markdown), onlyIfPresent);
    if (action !== 'skipped') io.stdout.write(`db-migration-agent: pull-request comment ${action}.\n`);
  } catch (error) {
    io.stdout.write(
      `::warning title=db-migration-agent::The pull-request comment could not be posted: ${(error as Error).message}\n`,
    );
  }
}

function output(env: NodeJS.ProcessEnv, values: Record<string, string>): void {
  if (!env.GITHUB_OUTPUT) return;
  appendFileSync(
    env.GITHUB_OUTPUT,
    Object.entries(values)
      .map(([key, value]) => `${key}=${value}\n`)
      .join(''),
  );
}

/** Workflow annotations name files from the repository's top: the working directory goes in front. */
function fromRepositoryTop(commands: string, prefix: string): string {
  return prefix ? commands.replace(/^(::\w+ file=)/gm, `$1${prefix}`) : commands;
}

/** The same for SARIF: code scanning resolves a relative artifact URI against the repository's top. */
function sarifFromTop(sarif: string, prefix: string): string {
  if (!prefix) return sarif;
  const log = JSON.parse(sarif) as { runs?: unknown[] };
  const rebase = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) rebase(item);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const location = record.artifactLocation as { uri?: string } | undefined;
      if (location?.uri && !/^[a-z]+:/i.test(location.uri)) location.uri = `${prefix}${location.uri}`;
      for (const [key, child] of Object.entries(record)) if (key !== 'artifactLocation') rebase(child);
    }
  };
  rebase(log.runs);
  return `${JSON.stringify(log, null, 2)}\n`;
}
