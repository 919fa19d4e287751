import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageVersion } from '../loader.js';

/**
 * A package as the project has it installed, loaded with import() so ESM-only releases (node-pg-migrate 8+,
 * Kysely 0.28+) load as well as CommonJS ones; undefined when the project does not have it. The project's own
 * version is what compiles the SQL production runs, so there is no fallback to a copy of ours.
 */
export async function importFromProject<T>(
  root: string,
  name: string,
): Promise<{ module: T; version: string } | undefined> {
  let entry: string;
  try {
    entry = createRequire(path.join(root, 'package.json')).resolve(name);
  } catch {
    return undefined;
  }
  const module = (await import(pathToFileURL(entry).href)) as T & { default?: T };
  return { module, version: packageVersion(root, name) };
}
