import path from 'node:path';
import type { Engine } from '../../model.js';
import { readText } from '../files.js';

/** The names of the dependencies the project's package.json declares (all dependency fields), read as text. */
export async function declaredPackages(root: string): Promise<Set<string>> {
  const text = await readText(path.join(root, 'package.json'));
  if (!text) return new Set();
  try {
    const manifest = JSON.parse(text) as Record<string, unknown>;
    const names = new Set<string>();
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const group = manifest[field];
      if (group && typeof group === 'object') for (const name of Object.keys(group)) names.add(name);
    }
    return names;
  } catch {
    return new Set();
  }
}

/** The first engine whose package (driver, dialect adapter) the project declares, in the order given. */
export async function engineFromPackages(
  root: string,
  packages: readonly (readonly [string, Engine])[],
): Promise<Engine | undefined> {
  const declared = await declaredPackages(root);
  return packages.find(([name]) => declared.has(name))?.[1];
}
