import path from 'node:path';
import { UserError } from '../errors.js';
import { isInside } from '../root.js';

/**
 * Which files a change touches, from git: the pending work of an agent (the working tree against HEAD or a base
 * ref), the files staged for a commit, or the files a pull request changes (base...head). Paths come back relative
 * to the project root, inside it only; deleted files are left out (there is nothing left to apply).
 */

export type ChangeScope =
  /** The working tree (committed since the merge base with `base`, modified, staged and untracked). */
  | { kind: 'working-tree'; base?: string }
  /** What `git commit` would record now. */
  | { kind: 'staged' }
  /** A pull request: what `head` changed since it left `base`. */
  | { kind: 'range'; base: string; head: string };

const ADDED_OR_CHANGED = '--diff-filter=ACMR';

export async function isGitRepository(root: string): Promise<boolean> {
  const { simpleGit } = await import('simple-git');
  try {
    return await simpleGit({ baseDir: root }).checkIsRepo();
  } catch {
    return false;
  }
}

/**
 * The branch the work will merge into, when the clone knows it: origin's default branch (origin/HEAD, set by
 * `git clone`). Work committed on a branch but not merged is still pending there, not only uncommitted work.
 */
export async function defaultBase(root: string): Promise<string | undefined> {
  const { simpleGit } = await import('simple-git');
  try {
    const name = (await simpleGit({ baseDir: root }).raw(['rev-parse', '--abbrev-ref', 'origin/HEAD'])).trim();
    return name.length > 0 && name !== 'origin/HEAD' ? name : undefined;
  } catch {
    return undefined;
  }
}

export async function changedFiles(root: string, scope: ChangeScope): Promise<string[]> {
  for (const ref of [scope.kind === 'staged' ? undefined : scope.base, scope.kind === 'range' ? scope.head : undefined])
    if (ref?.startsWith('-'))
      throw new UserError(
        'bad-git-ref',
        `"${ref}" is not a git ref.`,
        'Pass a branch, tag or commit such as origin/main.',
      );
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: root });
  try {
    const top = (await git.revparse(['--show-toplevel'])).trim();
    const names = await listNames(git, scope);
    return [...new Set(names)]
      .map((name) => path.join(top, name))
      .filter((absolute) => isInside(root, absolute))
      .map((absolute) => path.relative(root, absolute).split(path.sep).join('/'))
      .sort();
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      'git-failed',
      `Could not list the changed files with git: ${(error as Error).message.split('\n')[0]}`,
      scope.kind === 'range'
        ? 'Both commits and their merge base must be in the clone: check out with fetch-depth: 0 (actions/checkout), or pass the migration paths instead.'
        : scope.kind === 'working-tree' && scope.base
          ? `Check that ${scope.base} exists (git fetch it first in CI), or pass the migration paths instead.`
          : 'Check that the project is a git repository with at least one commit, or pass the migration paths instead.',
    );
  }
}

type Git = ReturnType<typeof import('simple-git').simpleGit>;

async function listNames(git: Git, scope: ChangeScope): Promise<string[]> {
  const lines = (text: string) => text.split('\n').filter((line) => line.length > 0);
  if (scope.kind === 'staged') return lines(await git.raw(['diff', '--cached', '--name-only', ADDED_OR_CHANGED]));
  if (scope.kind === 'range')
    return lines(await git.raw(['diff', '--name-only', ADDED_OR_CHANGED, `${scope.base}...${scope.head}`]));
  const untracked = lines(await git.raw(['ls-files', '--others', '--exclude-standard', '--full-name']));
  const hasHead = await git
    .raw(['rev-parse', '--verify', 'HEAD'])
    .then(() => true)
    .catch(() => false);
  // A repository without a commit yet: everything in it is pending.
  if (!hasHead) return [...lines(await git.raw(['ls-files', '--cached', '--full-name'])), ...untracked];
  const since = scope.base ? (await git.raw(['merge-base', scope.base, 'HEAD'])).trim() : 'HEAD';
  return [...lines(await git.raw(['diff', '--name-only', ADDED_OR_CHANGED, since])), ...untracked];
}

/** Which of these files have changes not staged: a pre-commit check reads the working tree, not the index. */
export async function unstagedAmong(root: string, files: readonly string[]): Promise<string[]> {
  if (files.length === 0) return [];
  const { simpleGit } = await import('simple-git');
  const names = (await simpleGit({ baseDir: root }).raw(['diff', '--name-only', '--relative', '--', ...files]))
    .split('\n')
    .filter((line) => line.length > 0);
  return files.filter((file) => names.some((name) => name === file || name.startsWith(`${file}/`)));
}
