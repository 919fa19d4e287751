import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.js';

/**
 * Path checks live here and only here: every file the engine reads or writes on behalf of a caller
 * is resolved through `resolveInsideRoot`, so nothing escapes the project root (symlinks included).
 */

/** Validates a project root: it must exist and be a directory. Returns its real, absolute path. */
export function resolveProjectRoot(root: string): string {
  const absolute = path.resolve(root);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UserError(
        'symlink-loop',
        `Project root ${absolute} is a symlink loop (it resolves back to itself).`,
        'Pass the real project folder, or fix the symlink so it points at a folder.',
        { file: absolute },
      );
    }
    throw new UserError(
      'root-not-found',
      `Project root ${absolute} does not exist.`,
      'Pass the path of an existing project folder (the folder that holds package.json, prisma/, migrations/ …).',
      { file: absolute },
    );
  }
  if (!stats.isDirectory()) {
    throw new UserError(
      'root-not-directory',
      `Project root ${absolute} is a file, not a folder.`,
      `Pass the folder that contains it instead: ${path.dirname(absolute)}`,
      { file: absolute },
    );
  }
  return realpathSync(absolute);
}

/**
 * `root` + '/', when `root` and `other` are plain absolute POSIX paths (no `//`, `.` or `..` parts): then `other`
 * is below the root exactly when it starts with this. path.relative gives the same answer by normalising both
 * paths first, which was most of the path handling in reading a history of hundreds of files.
 */
function posixPrefix(root: string, other: string): string | undefined {
  if (path.sep !== '/' || !isPlainAbsolute(root) || !isPlainAbsolute(other)) return undefined;
  return root.endsWith('/') ? root : `${root}/`;
}

function isPlainAbsolute(candidate: string): boolean {
  return candidate.startsWith('/') && !/\/\/|\/\.\.?(\/|$)/.test(candidate);
}

/**
 * `folder`/`name` for a normalised folder and a name (or a walked relative path) that needs no normalising:
 * path.join's result, without its cost per file.
 */
export function childPath(folder: string, name: string): string {
  return `${folder.endsWith(path.sep) ? folder : `${folder}${path.sep}`}${path.sep === '/' ? name : name.split('/').join(path.sep)}`;
}

/** True when `candidate` (absolute, real) is `root` or below it. */
export function isInside(root: string, candidate: string): boolean {
  const prefix = posixPrefix(root, candidate);
  if (prefix !== undefined) return candidate === root || candidate.startsWith(prefix) || `${candidate}/` === prefix;
  const relative = path.relative(root, candidate);
  // A part named `..hidden` is inside; only `..` itself leads out.
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}

/**
 * Resolves `target` (absolute, or relative to `root`) and refuses anything outside the root, following
 * symlinks for the parts that exist. `root` must come from resolveProjectRoot.
 */
export function resolveInsideRoot(root: string, target: string): string {
  const absolute = path.resolve(root, target);
  if (!isInside(root, absolute)) throw outsideRoot(root, target);
  const real = realpathOfExistingPrefix(absolute);
  if (!isInside(root, real)) throw outsideRoot(root, target, real);
  return absolute;
}

function outsideRoot(root: string, target: string, real?: string): UserError {
  const via = real ? ` (it resolves through a symlink to ${real})` : '';
  return new UserError(
    'outside-root',
    `Path ${target} is outside the project root ${root}${via}.`,
    'Pass a path inside the project, or set the project root to a folder that contains it.',
    { file: target },
  );
}

/** realpath of the longest existing prefix of `absolute`, with the missing rest appended. */
function realpathOfExistingPrefix(absolute: string): string {
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      // The native call resolves the whole path in one system call; the JavaScript one lstat()s each part.
      const real = realpathSync.native(existing);
      return rest.length === 0 ? real : path.join(real, ...rest.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return absolute;
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}

/** Path relative to the root with forward slashes, as shown to users and agents. */
export function relativeToRoot(root: string, absolute: string): string {
  const prefix = posixPrefix(root, absolute);
  if (prefix !== undefined && absolute.startsWith(prefix) && !absolute.endsWith('/'))
    return absolute.slice(prefix.length);
  return path.relative(root, absolute).split(path.sep).join('/');
}
