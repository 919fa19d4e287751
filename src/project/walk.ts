import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { childPath, isInside } from '../root.js';
import { knownText, readFileOnce } from './read-once.js';

/** Folders that never hold a project's own schema or migrations: dependencies, VCS data, build output, caches. */
export const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'build',
  'out',
  '.next',
  '.nuxt',
  '.turbo',
  '.cache',
  'coverage',
  'target',
  'venv',
  '.venv',
  '__pycache__',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
]);

export interface WalkLimits {
  maxFiles: number;
  maxDepth: number;
}

export const DEFAULT_LIMITS: WalkLimits = { maxFiles: 100_000, maxDepth: 24 };

/** Largest file the detectors read; bigger files are listed but not read. */
const MAX_READ_BYTES = 1024 * 1024;

/**
 * The project's files, walked once: relative posix paths, grouped by folder, with cached reads.
 * Walking is bounded (file and depth caps), skips dependency and build folders, and follows a symlink only
 * when it stays inside the root and does not lead back to a folder already walked (a loop).
 */
export class ProjectFiles {
  readonly files: string[] = [];
  readonly dirs = new Set<string>(['.']);
  /** Folder (relative, '.' for the root) → its file names. */
  readonly byDir = new Map<string, string[]>();
  /** Folder → its walked sub-folders (relative paths). */
  private readonly childDirs = new Map<string, string[]>();
  readonly warnings: string[] = [];
  capped = false;
  private readonly cache = new Map<string, string | undefined>();

  constructor(
    readonly root: string,
    limits: WalkLimits = DEFAULT_LIMITS,
  ) {
    this.walk(limits);
  }

  has(relative: string): boolean {
    return this.byDir.get(dirOf(relative))?.includes(baseOf(relative)) ?? false;
  }

  /** File names directly inside `dir`. */
  filesIn(dir: string): string[] {
    return this.byDir.get(dir) ?? [];
  }

  /** Immediate sub-folders of `dir`. */
  subdirsOf(dir: string): string[] {
    return this.childDirs.get(dir) ?? [];
  }

  /** The text of a walked file, or undefined when it is too big or unreadable (with a warning). */
  read(relative: string): string | undefined {
    if (this.cache.has(relative)) return this.cache.get(relative);
    const absolute = relative === '.' ? this.root : childPath(this.root, relative);
    let text = knownText(absolute);
    if (text !== undefined && text.length <= MAX_READ_BYTES) {
      this.cache.set(relative, text);
      return text;
    }
    text = undefined;
    try {
      if (statSync(absolute).size > MAX_READ_BYTES) {
        this.warnings.push(`${relative}: larger than 1 MiB, not read.`);
      } else {
        text = readFileOnce(absolute);
      }
    } catch (error) {
      this.warnings.push(`${relative}: could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    this.cache.set(relative, text);
    return text;
  }

  private walk(limits: WalkLimits): void {
    const visitedReal = new Set<string>([this.root]);
    const stack: { absolute: string; relative: string; depth: number }[] = [
      { absolute: this.root, relative: '.', depth: 0 },
    ];
    while (stack.length > 0) {
      const current = stack.pop()!;
      let entries: Dirent[];
      try {
        entries = readdirSync(current.absolute, { withFileTypes: true });
      } catch (error) {
        this.warnings.push(`${current.relative}: folder not readable (${(error as NodeJS.ErrnoException).code}).`);
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const names: string[] = [];
      const subdirs: { absolute: string; relative: string; depth: number }[] = [];
      for (const entry of entries) {
        const absolute = childPath(current.absolute, entry.name);
        const relative = current.relative === '.' ? entry.name : `${current.relative}/${entry.name}`;
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          const target = this.followSymlink(absolute, relative, visitedReal);
          if (!target) continue;
          isDir = target.isDir;
          isFile = !target.isDir;
        }
        if (isDir) {
          if (SKIPPED_DIRS.has(entry.name)) continue;
          if (current.depth + 1 > limits.maxDepth) {
            this.cap(`${relative}: deeper than ${limits.maxDepth} folders, not walked.`);
            continue;
          }
          subdirs.push({ absolute, relative, depth: current.depth + 1 });
        } else if (isFile) {
          if (this.files.length >= limits.maxFiles) {
            this.cap(`Stopped after ${limits.maxFiles} files (maxFiles); the rest of the tree was not read.`);
            stack.length = 0;
            break;
          }
          this.files.push(relative);
          names.push(entry.name);
        }
      }
      this.byDir.set(current.relative, names);
      this.childDirs.set(
        current.relative,
        subdirs.map((subdir) => subdir.relative),
      );
      for (const subdir of subdirs.reverse()) {
        this.dirs.add(subdir.relative);
        stack.push(subdir);
      }
    }
  }

  /** Resolves a symlink: undefined (with a warning) when it leaves the root, is broken, or loops. */
  private followSymlink(absolute: string, relative: string, visitedReal: Set<string>): { isDir: boolean } | undefined {
    let real: string;
    try {
      real = realpathSync(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.warnings.push(
        code === 'ELOOP'
          ? `${relative}: symlink loop (the link resolves to itself), skipped.`
          : `${relative}: broken symlink, skipped.`,
      );
      return undefined;
    }
    if (!isInside(this.root, real)) {
      this.warnings.push(`${relative}: symlink to ${real} leaves the project root, not followed.`);
      return undefined;
    }
    const isDir = statSync(real).isDirectory();
    if (isDir) {
      if (visitedReal.has(real) || isInside(real, path.dirname(absolute))) {
        this.warnings.push(`${relative}: symlink loop (points back to ${relativeOrDot(this.root, real)}), skipped.`);
        return undefined;
      }
      visitedReal.add(real);
    }
    return { isDir };
  }

  private cap(warning: string): void {
    this.capped = true;
    if (!this.warnings.includes(warning)) this.warnings.push(warning);
  }
}

function relativeOrDot(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/') || '.';
}

export function dirOf(relative: string): string {
  const index = relative.lastIndexOf('/');
  return index === -1 ? '.' : relative.slice(0, index);
}

export function baseOf(relative: string): string {
  return relative.slice(relative.lastIndexOf('/') + 1);
}

/** Joins relative posix paths, normalising `./` and `..`; '.' stands for the root. */
export function joinRelative(...parts: string[]): string {
  const plain = parts.filter((part) => part && part !== '.').join('/');
  // Most joins are already normal (a walked folder and a file name): skip normalising them.
  if (plain !== '' && !/(^|\/)\.\.?(\/|$)|\/\/|^\/|\/$/.test(plain)) return plain;
  const joined = path.posix.normalize(plain);
  return joined === '' || joined === './' ? '.' : joined.replace(/\/$/, '').replace(/^\.\//, '');
}
