import { type Dirent, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Node's permission model for the sandboxed child: reads limited to the project, the packages it and we load,
 * and our own runtime; no writes (no --allow-fs-write), no child processes, no workers, no WASI. Native addons
 * only when the recorder itself needs one (better-sqlite3 for SQLite in memory), because an addon's native code
 * is not bound by the permission model.
 */
export function permissionFlags(options: { readable: string[]; addons: boolean }, version = process.versions.node) {
  const major = Number(version.split('.')[0]);
  const flags = [major >= 22 ? '--permission' : '--experimental-permission'];
  for (const entry of readableSet(options.readable)) flags.push(`--allow-fs-read=${entry}`);
  if (options.addons) flags.push('--allow-addons');
  return flags;
}

/**
 * Every path given, and its real path when it goes through a symlink (a linked node_modules): the permission
 * model checks the path Node opens, which for modules is the resolved one. Folders get a trailing separator so
 * the whole tree below is readable; files (which may not exist: package.json files module resolution looks for
 * in the folders above the project) are granted alone.
 */
function readableSet(entries: string[]): string[] {
  const result = new Set<string>();
  for (const entry of entries) {
    const folder = entry.endsWith(path.sep);
    const bare = folder ? entry.slice(0, -1) || path.sep : entry;
    result.add(folder ? withSeparator(bare) : bare);
    let real: string | undefined;
    try {
      real = realpathSync(bare);
    } catch {
      real = undefined;
    }
    if (real && real !== bare) result.add(folder ? withSeparator(real) : real);
  }
  return [...result];
}

function withSeparator(folder: string): string {
  return folder.endsWith(path.sep) ? folder : `${folder}${path.sep}`;
}

/**
 * What the child must read: the project root (its migrations and node_modules), the package.json files of
 * the folders above it (module resolution looks for them), the node_modules folders above it (hoisted
 * workspace packages), and of our own package only its runtime: dist/, package.json and the node_modules our
 * packages resolve from (our own, and the one we are installed in). Folders end with a separator.
 */
export function readablePaths(root: string, ownPackage: string): string[] {
  const paths = [
    withSeparator(root),
    withSeparator(path.join(ownPackage, 'dist')),
    withSeparator(path.join(ownPackage, 'node_modules')),
    path.join(ownPackage, 'package.json'),
  ];
  if (path.basename(path.dirname(ownPackage)) === 'node_modules') paths.push(withSeparator(path.dirname(ownPackage)));
  paths.push(...linkedPackages(path.join(root, 'node_modules')));
  for (let folder = path.dirname(root); ; folder = path.dirname(folder)) {
    paths.push(path.join(folder, 'package.json'));
    paths.push(withSeparator(path.join(folder, 'node_modules')));
    paths.push(...linkedPackages(path.join(folder, 'node_modules')));
    if (folder === path.dirname(folder)) break;
  }
  return paths;
}

/**
 * The real folders of symlinked packages in a node_modules folder (workspace packages, `npm link`): a package
 * of a monorepo links its sibling packages, which sit outside its own folder.
 */
function linkedPackages(nodeModules: string): string[] {
  const linked: string[] = [];
  for (const entry of entries(nodeModules)) {
    const entryPath = path.join(nodeModules, entry.name);
    if (entry.isDirectory() && entry.name.startsWith('@')) {
      for (const scoped of entries(entryPath)) {
        if (scoped.isSymbolicLink()) linked.push(...realFolder(path.join(entryPath, scoped.name)));
      }
    } else if (entry.isSymbolicLink()) linked.push(...realFolder(entryPath));
  }
  return linked;
}

function entries(folder: string): Dirent[] {
  try {
    return readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
}

function realFolder(link: string): string[] {
  try {
    return [withSeparator(realpathSync(link))];
  } catch {
    return [];
  }
}
