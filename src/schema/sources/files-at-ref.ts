import path from 'node:path';
import { UserError } from '../../errors.js';

/**
 * The project's files as they were at a git ref, read through `git show` and never written anywhere: a schema
 * module read at a ref imports its neighbours at that ref too, not the working tree's.
 */
export interface FilesAtRef {
  ref: string;
  /** Whether the absolute path was a file at the ref. */
  has(absolute: string): boolean;
  read(absolute: string): Promise<string>;
  /** Every file at the ref, absolute. */
  paths(): string[];
}

export async function filesAtRef(root: string, ref: string): Promise<FilesAtRef> {
  if (ref.startsWith('-'))
    throw new UserError(
      'bad-git-ref',
      `"${ref}" is not a git ref.`,
      'Pass a branch, tag or commit such as HEAD or main.',
    );
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: root });
  let top: string;
  let listed: string;
  try {
    top = (await git.revparse(['--show-toplevel'])).trim();
    listed = await git.raw(['ls-tree', '-r', '--name-only', '--full-tree', ref]);
  } catch (error) {
    throw new UserError(
      'git-show-failed',
      `Could not list the files at ${ref}: ${(error as Error).message.split('\n')[0]}`,
      'Check that the project is a git repository and the ref exists.',
    );
  }
  const inRepo = (absolute: string) => path.relative(top, absolute).split(path.sep).join('/');
  const files = new Set(listed.split('\n').filter(Boolean));
  return {
    ref,
    has: (absolute) => files.has(inRepo(absolute)),
    read: (absolute) => git.show([`${ref}:${inRepo(absolute)}`]),
    paths: () => [...files].map((file) => path.join(top, file)),
  };
}
