import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { globToRegExp } from '../../glob.js';
import { resolveInsideRoot } from '../../root.js';
import type { FilesAtRef } from './files-at-ref.js';

/**
 * The modules a code schema source names: one file, a folder (its modules), or a glob such as
 * `src/entity/*.ts` — in the working tree, or among the files at a git ref.
 */
const MODULE = /\.[cm]?[jt]s$/i;
const SKIPPED = new Set(['node_modules', '.git']);

export function moduleEntries(root: string, pattern: string, atRef?: FilesAtRef): string[] {
  const found = /[*?{[]/.test(pattern) ? matching(root, pattern, atRef) : single(root, pattern, atRef);
  if (found.length === 0)
    throw new UserError(
      'schema-modules-not-found',
      `${pattern} names no JavaScript or TypeScript module${atRef ? ` at ${atRef.ref}` : ''}.`,
      'Name the data source module, the entity files (a glob such as src/entity/*.ts) or their folder.',
      { file: pattern },
    );
  return found.sort();
}

function single(root: string, pattern: string, atRef: FilesAtRef | undefined): string[] {
  const absolute = resolveInsideRoot(root, pattern);
  if (atRef) {
    if (atRef.has(absolute)) return [absolute];
    const folder = `${absolute}${path.sep}`;
    return atRef.paths().filter((file) => file.startsWith(folder) && MODULE.test(file));
  }
  try {
    if (!statSync(absolute).isDirectory()) return [absolute];
  } catch {
    return [];
  }
  return walk(absolute).filter((file) => MODULE.test(file));
}

function matching(root: string, pattern: string, atRef: FilesAtRef | undefined): string[] {
  const glob = globToRegExp(pattern);
  const files = atRef ? atRef.paths().filter((file) => file.startsWith(root + path.sep)) : walk(root);
  return files.filter((file) => glob.test(path.relative(root, file).split(path.sep).join('/')));
}

function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const full = path.join(folder, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}
