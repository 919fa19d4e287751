import { configString, ownFilesNamed, type PackageContext } from './context.js';
import { baseOf, dirOf, joinRelative } from './walk.js';

/** Seed files: seeds/ and seeders/ folders, seed.* scripts, the knexfile's seeds directory, Django fixtures. */
export function findSeedFiles(context: PackageContext): string[] {
  const found = new Set<string>();
  const seedDirs = new Set<string>();
  for (const knexfile of ownFilesNamed(context, /^knexfile\.(c|m)?(js|ts)$/)) {
    const block = /seeds\s*:\s*\{([^}]*)\}/.exec(context.files.read(knexfile) ?? '')?.[1];
    const directory = block ? configString(block, 'directory') : undefined;
    if (directory) seedDirs.add(joinRelative(dirOf(knexfile), directory));
  }
  for (const file of context.ownFiles) {
    const base = baseOf(file);
    const parent = baseOf(dirOf(file));
    const inSeedDir =
      ['seeds', 'seeders', 'seed'].includes(parent) ||
      seedDirs.has(dirOf(file)) ||
      (parent === 'fixtures' &&
        /\.(json|ya?ml)$/.test(base) &&
        context.python.dependencies.some((d) => d.name === 'django'));
    const seedScript = /^seed(s|er)?\.(c|m)?(ts|js|py|sql)$/.test(base) || /\.seed(er)?\.(ts|js)$/.test(base);
    const isTest = /\.(test|spec)\.\w+$/.test(base);
    if (((inSeedDir && !base.startsWith('.')) || seedScript) && !isTest) found.add(file);
  }
  return [...found].sort();
}
